// `npm run db` (issue 20 item 7): the embedded database as a supervised process of its own, used by several provider
// instances through MONGODB_URI. An instance that dies takes nothing with it; a FerretDB that dies is restarted; a second
// owner of the data directory is refused instead of stopping the first one's PostgreSQL; stopping it stops both servers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import { Agent } from '../helpers/agent.js';
import { freePort } from '../helpers/free-port.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PASSWORD = 'own process passphrase';

// the processes whose parent is `pid`, with their command lines
async function childrenOf(pid: number): Promise<Array<{ pid: number; cmdline: string }>> {
  const out: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push({ pid: Number(entry), cmdline: (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ') });
  }
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run db: the embedded database as its own supervised process (issue 20 item 7)', () => {
  let dataDir: string;
  let db: ChildProcess;
  let uri: string;
  const stacks: Stack[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-db-process-'));
    const port = await freePort();
    db = spawn(process.execPath, ['--import', 'tsx', 'src/db/serve.ts'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    uri = await new Promise<string>((resolve, reject) => {
      db.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /^MONGODB_URI=(\S+)$/m.exec(output);
        if (found?.[1]) resolve(found[1]);
      });
      db.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      db.once('exit', (code) => reject(new Error(`npm run db exited (${code}):\n${output}`)));
    });
    assert.equal(uri, `mongodb://127.0.0.1:${port}/mfa-idp`);
    for (let i = 0; i < 2; i++) stacks.push(await startStack({}, { database: { uri, stop: async () => undefined } }));
    const storeId = await stacks[0]!.createStore('shared');
    await stacks[0]!.createUser(storeId, 'sam', 'cashier', PASSWORD);
  });
  after(async () => {
    for (const s of stacks) await s.close().catch(() => undefined);
    // stopped gracefully, so its PostgreSQL goes with it even when the test failed half-way
    if (db.exitCode === null && db.signalCode === null) {
      const exited = new Promise((r) => db.once('exit', r));
      db.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const signIn = async (stack: Stack) => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'shared:' });
    const done = await submit(agent, flow.page, { username: 'sam', password: PASSWORD }, { stopAt: flow.redirect });
    return (await redeem(flow, done.url)).claims()?.amr;
  };

  it('survives a provider instance that stops, restarts a FerretDB that dies, refuses a second owner, stops with its servers', async () => {
    const [a, b] = stacks as [Stack, Stack];
    assert.deepEqual(await signIn(a), ['pwd']);
    // instance A goes away: B and the database carry on
    await a.close();
    assert.deepEqual(await signIn(b), ['pwd']);

    // a provider started without MONGODB_URI on the same data directory is told to use the running one
    await assert.rejects(startEmbeddedDatabase({ dataDir, port: 0 }), new RegExp(`already run by process ${db.pid}; start this provider with MONGODB_URI=`));
    assert.deepEqual(await signIn(b), ['pwd'], 'and the running database was left alone');

    // FerretDB dies: its supervisor starts it again on the same port
    const servers = await childrenOf(db.pid ?? 0);
    const ferretdb = servers.find((c) => c.cmdline.includes('ferretdb'));
    const postgres = servers.find((c) => /postgres -D/.test(c.cmdline));
    assert.ok(ferretdb && postgres, JSON.stringify(servers));
    process.kill(ferretdb.pid, 'SIGKILL');
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ready = (await fetch(`${b.issuer}/readyz`)).status;
    }
    assert.equal(ready, 200, 'ready again once FerretDB is back');
    assert.deepEqual(await signIn(b), ['pwd']);

    // stopping `npm run db` stops both of its servers
    const restarted = (await childrenOf(db.pid ?? 0)).find((c) => c.cmdline.includes('ferretdb'));
    const exited = new Promise((r) => db.once('exit', r));
    db.kill('SIGTERM');
    await exited;
    for (const p of [postgres.pid, restarted?.pid ?? 0]) assert.ok(!alive(p), `process ${p} stopped`);
  });
});
