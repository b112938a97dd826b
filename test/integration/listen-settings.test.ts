// Where the provider listens (issue 21 item 9): HOST (loopback by default outside production, since a development
// instance shows password-reset links at /dev/mail) and EMBEDDED_PG_PORT (the embedded PostgreSQL's port).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import { canConnect } from '../../src/db/free-port.js';
import { PROJECT_ROOT as ROOT } from '../../src/root.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';

describe('HOST', () => {
  test('defaults to loopback outside production, to every interface in production; an explicit value wins', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com' }).host, undefined);
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com', HOST: '10.1.2.3' }).host, '10.1.2.3');
  });

  // The addresses of this machine's listening TCP sockets on `port`, from the kernel's table (Linux).
  async function listeningAddresses(port: number): Promise<string[]> {
    const found: string[] = [];
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n').slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        if (state !== '0A' || !local) continue; // 0A: LISTEN
        const [hex, portHex] = local.split(':');
        if (Number.parseInt(portHex ?? '', 16) !== port || !hex) continue;
        found.push(hex.length === 8 ? hex.match(/../g)!.reverse().map((b) => Number.parseInt(b, 16)).join('.') : hex);
      }
    }
    return found;
  }

  describe('npm start outside production', () => {
    let database: TestDatabase;
    let child: ChildProcess;
    let port: number;
    let demoPort: number;
    let output = '';

    before(async () => {
      database = await startTestDatabase();
      [port, demoPort] = [await freePort(), await freePort()];
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, MONGODB_URI: database.uri, PORT: String(port), DEMO_PORT: String(demoPort), SEED_DEMO: 'false', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (b: Buffer) => {
        output += b.toString();
      });
      child.stderr?.on('data', (b: Buffer) => {
        output += b.toString();
      });
      // the demo POS starts last: once its line is there, both listen
      for (let i = 0; i < 600 && !/demo POS on/.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(output, /demo POS on/, output);
    });
    after(async () => {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
      await database?.stop();
    });

    test('the provider and the demo POS listen on 127.0.0.1 only: nothing answers on the machine\'s other addresses', async () => {
      assert.deepEqual(await listeningAddresses(port), ['127.0.0.1']);
      assert.deepEqual(await listeningAddresses(demoPort), ['127.0.0.1']);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      const external = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
      for (const address of external) {
        const reachable = await new Promise<boolean>((resolve) => {
          const socket = net.connect({ host: address!.address, port });
          socket.setTimeout(1000);
          const done = (ok: boolean) => {
            socket.destroy();
            resolve(ok);
          };
          socket.once('connect', () => done(true));
          socket.once('error', () => done(false));
          socket.once('timeout', () => done(false));
        });
        assert.equal(reachable, false, `not reachable at ${address!.address}`);
      }
    });
  });
});

describe('EMBEDDED_PG_PORT', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-pgport-'));
    dirs.push(dir);
    return dir;
  };

  test('is read from the environment (0, the default, picks a free port)', () => {
    assert.equal(loadConfig({}).embeddedPgPort, 0);
    assert.equal(loadConfig({ EMBEDDED_PG_PORT: '55432' }).embeddedPgPort, 55432);
    assert.throws(() => loadConfig({ EMBEDDED_PG_PORT: '70000' }), /EMBEDDED_PG_PORT/);
  });

  test('the embedded PostgreSQL listens on the port asked for; a port in use fails with one line naming the setting', async () => {
    const pgPort = await freePort();
    const server = await startEmbeddedDatabase({ dataDir: await dataDir(), dbName: 'pgport', postgresPort: pgPort, tuning: 'fast' });
    try {
      assert.equal(server.postgres.port, pgPort);
      assert.equal(await canConnect(pgPort), true);
      await assert.rejects(
        startEmbeddedDatabase({ dataDir: await dataDir(), dbName: 'pgport2', postgresPort: pgPort, tuning: 'fast' }),
        new RegExp(`127\\.0\\.0\\.1:${pgPort} is already in use \\(EMBEDDED_PG_PORT\\)`),
      );
    } finally {
      await server.stop();
    }
  });
});
