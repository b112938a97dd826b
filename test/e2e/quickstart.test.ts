// The README's quickstart, followed literally (issue 19 item 3): `npm start` on a fresh data folder, its printed demo
// credentials read from its output, then in Chromium the owner's first sign-in on the demo POS (password, the printed
// temporary access pass, the enrolment wizard) up to the register, and a cashier's (password only). Ports, the data
// folder and the breach API (a local fake: no internet here) are the only settings changed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';
import { startFakeHibp, type FakeHibp } from '../helpers/fake-hibp.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { answerSignIn, type Browsing, enrolInWizard, openBrowser, openPosSignIn, type Person, signInAtPos, type Site } from './harness/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// npm start runs npm, a shell and the provider in one process group: stop them all, and wait until the last has gone
// (the embedded PostgreSQL writes into the data folder until it has shut down)
async function stopGroup(pid: number) {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 600 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

interface Printed extends Person {
  role: string;
  pass?: string;
}

describe('the README quickstart, literally: npm start, then the owner and a cashier sign in (issue 19 item 3; S1, B17)', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  let hibp: FakeHibp;
  let browsing: Browsing;
  let site: Site;
  let printed: Printed[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'quickstart-'));
    hibp = await startFakeHibp({});
    const [port, demoPort, dbPort] = [await freePort(), await freePort(), await freePort()];
    site = { issuer: `http://localhost:${port}`, demoUrl: `http://localhost:${demoPort}` };
    // the embedded database of the quickstart, whatever database the other tests use
    const { MONGODB_URI: _m, TEST_MONGODB_URI: _t, ...env } = process.env;
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: { ...env, NODE_ENV: 'development', PORT: String(port), DEMO_PORT: String(demoPort), EMBEDDED_DB_PORT: String(dbPort), DATA_DIR: dataDir, HIBP_BASE_URL: hibp.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // up when the demo POS says where it is, which is logged after the provider listens
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes(`demo POS on ${site.demoUrl}`)) {
          clearInterval(check);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(check);
          reject(new Error(`npm start exited ${child.exitCode}:\n${output}`));
        }
      }, 100);
    });
    printed = [...output.matchAll(/^ {2}(\w+) +username (\S+) +password (\S+)(?: +access pass (\S+))?$/gm)].map((m) => ({ store: 'demo', role: m[1]!, username: m[2]!, password: m[3]!, pass: m[4] }));
    browsing = await openBrowser();
  });

  after(async () => {
    await browsing?.close();
    if (child?.pid) await stopGroup(child.pid);
    await hibp?.close();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  const user = (role: string) => {
    const found = printed.find((u) => u.role === role);
    assert.ok(found, `npm start printed the ${role}:\n${output}`);
    return found;
  };

  it('npm start prints every demo user, and a temporary access pass for owner and admin with what it is for', () => {
    assert.deepEqual(printed.map((u) => u.role), ['owner', 'admin', 'manager', 'cashier']);
    assert.ok(user('owner').pass && user('admin').pass, 'owner and admin get a pass');
    assert.equal(user('cashier').pass, undefined);
    assert.match(output, /must set up multi-factor authentication at their first sign-in/);
    assert.match(output, /npm run ops -- issue-pass --store demo --user owner/);
  });

  it('the owner signs in on the demo POS: password, the printed pass, the enrolment wizard, and reaches the register', async () => {
    const owner = user('owner');
    const page = await browsing.page();
    await openPosSignIn(page, site);
    await answerSignIn(page, owner);
    await enrolInWizard(page, (secret) => new AuthenticatorApp(secret), owner.pass ?? '');
    await page.waitForURL(`${site.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'Olivia Owner');
    assert.equal(await page.textContent('#amr'), '["pwd","otp","mfa"]');
    await page.context().close();
  });

  it('a cashier signs in with the printed password alone and reaches the register', async () => {
    const cashier = user('cashier');
    const page = await browsing.page();
    await signInAtPos(page, site, cashier);
    assert.equal(await page.textContent('#user-name'), 'Casey Cashier');
    await page.context().close();
  });
});
