// Passwords and the breach check, as the provider ships them (checklist 5, 9, 12, 13, 15, 18, 19, 20): over real HTTP
// and the real database, and the breach check through the public checker (services.breach, services.passwords) against
// a real range API over HTTP (test/helpers/fake-hibp.ts) or over TLS, never its internals.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { hash as hashArgon2 } from '@node-rs/argon2';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, BREACHED_PASSWORD, startStack, submit, type Stack } from '../helpers/stack.js';
import { startTestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/free-port.js';
import { commonPasswords } from '../../src/services/passwords/index.js';
import { loadConfig } from '../../src/config.js';
import { connectDatabase } from '../../src/db/connect.js';
import { loadDeploymentSecrets, secretGenerators } from '../../src/provider/deployment-secrets.js';

const PW = 'flour and water 1987';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();
const fresh = () => `never seen before ${randomBytes(6).toString('hex')}`;
// a password from the shipped list of common ones that the range API does not list as breached
const COMMON = [...commonPasswords()].find((p) => p.length >= 8 && p !== BREACHED_PASSWORD) ?? 'password';

describe('passwords and the breach check (checklist 5, 9, 12, 13, 15, 18, 19, 20)', () => {
  let stack: Stack;
  let storeId: string;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('bakery');
  });
  after(() => stack.close());

  async function signIn(username: string, password: string) {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const page = await submit(agent, flow.page, { username, password }, { stopAt: flow.redirect });
    return { agent, flow, page };
  }

  it('checklist 5: a password set ten years ago signs in without being asked to change; only evidence of compromise (a breach, a password an admin chose) asks', async () => {
    const tenYears = new Date(Date.now() - 10 * 365 * 86_400_000);
    await stack.createUser(storeId, 'ageing', 'cashier', PW, { passwordChangedAt: tenYears, createdAt: tenYears });
    const old = await signIn('ageing', PW);
    assert.ok(old.page.url.startsWith(old.flow.redirect), `straight in: ${textOf(old.page.body).slice(0, 200)}`);

    await stack.createUser(storeId, 'leaked', 'cashier', BREACHED_PASSWORD);
    const leaked = await signIn('leaked', BREACHED_PASSWORD);
    assert.match(textOf(leaked.page.body), /Your password has been found in a data breach/);

    await stack.createUser(storeId, 'handed', 'cashier', PW, { mustChangePassword: true });
    const handed = await signIn('handed', PW);
    assert.match(handed.page.body, /name="new_password"/);
  });

  it('checklist 9: the range API down (503) or unreachable: the shipped list of common passwords still refuses them, at sign-up of a new password and in the checker', async () => {
    assert.ok(commonPasswords().size >= 3000, `${commonPasswords().size} common passwords shipped`);
    stack.hibp.setDown(true);
    try {
      assert.equal((await stack.services.breach.check(fresh())).status, 'unavailable');
      assert.deepEqual(await stack.services.passwords.checkNew(COMMON, { username: 'x' }), { ok: false, reason: 'common' });
      assert.deepEqual(await stack.services.passwords.checkNew(fresh(), { username: 'x' }), { ok: true }, 'anything else passes: fail open (B7)');
      // over HTTP: the password an admin chose is replaced, and the common one is refused with the reason
      await stack.createUser(storeId, 'newbie', 'cashier', PW, { mustChangePassword: true });
      const { agent, page } = await signIn('newbie', PW);
      const refused = await submit(agent, page, { new_password: COMMON, confirm_password: COMMON });
      assert.match(textOf(refused.body), /This password is too common and easy to guess/);
    } finally {
      stack.hibp.setDown(false);
    }
    // nothing listens at all
    const dead = await startStack({ HIBP_BASE_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      assert.equal((await dead.services.breach.check(fresh())).status, 'unavailable');
      assert.deepEqual(await dead.services.passwords.checkNew(COMMON, {}), { ok: false, reason: 'common' });
    } finally {
      await dead.close();
    }
  });

  it('checklist 12: each stored hash is argon2id with its parameters and a 128-bit salt of its own; no pepper, and in production no secret at all, is kept in the database', async () => {
    const a = await stack.createUser(storeId, 'twin-a', 'cashier', PW);
    const b = await stack.createUser(storeId, 'twin-b', 'cashier', PW);
    const salts = [];
    for (const id of [a, b]) {
      const hash = (await stack.db.models.User.findById(id).lean())?.passwordHash ?? '';
      const parts = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
      assert.ok(parts, hash);
      assert.ok(Buffer.from(parts[1]!, 'base64').length >= 16, 'salt of at least 128 bits (32 required)');
      salts.push(parts[1]);
    }
    assert.notEqual(salts[0], salts[1], 'the same password, different salts');
    // production: every secret (the recovery pepper, the TOTP keys ...) comes from the environment, none is stored
    const database = await startTestDatabase();
    const db = await connectDatabase(database.uri);
    try {
      const secrets = Object.fromEntries(Object.entries(secretGenerators).map(([k, make]) => [k, make()]));
      const env = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1', MONGODB_URI: database.uri, SIGNING_JWKS: secrets.signingJwks, COOKIE_KEYS: secrets.cookieKeys, TOTP_KEYS: secrets.totpKeys, RECOVERY_PEPPER: secrets.recoveryPepper };
      const loaded = await loadDeploymentSecrets(loadConfig(env), db.models);
      assert.equal(loaded.recoveryPepper.toString('base64'), secrets.recoveryPepper);
      assert.equal(await db.models.AppSecret.countDocuments({}), 0);
      await assert.rejects(loadDeploymentSecrets(loadConfig({ ...env, RECOVERY_PEPPER: '' }), db.models), /recoveryPepper/);
    } finally {
      await db.close();
      await database.stop();
    }
  });

  it('checklist 12: a hash made with older argon2 parameters is replaced at the next sign-in, in one write, keeping the password; a wrong password changes nothing', async () => {
    const older = await hashArgon2(PW.normalize('NFKC'), { algorithm: 2 as never, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const changedAt = new Date('2024-05-01T00:00:00Z');
    const id = await stack.createUser(storeId, 'veteran', 'cashier', PW, { passwordHash: older, passwordChangedAt: changedAt });
    const stored = async () => (await stack.db.models.User.findById(id).lean())!;

    const other = await stack.createUser(storeId, 'veteran-too', 'cashier', PW, { passwordHash: older });
    await signIn('veteran-too', 'not the password at all');
    assert.equal((await stack.db.models.User.findById(other).lean())?.passwordHash, older, 'a failed sign-in leaves the hash');
    // an account held back after many failures (checklist 24): a right password must cost what a wrong one does
    await stack.pastFailures(`acct:${storeId}:veteran-too`, 20, 1);
    const held = await signIn('veteran-too', PW);
    assert.ok(!held.page.url.startsWith(held.flow.redirect), 'not signed in while held back');
    assert.equal((await stack.db.models.User.findById(other).lean())?.passwordHash, older, 'no replacement while held back');

    const hashWrites = async () => {
      const start = stack.commands.length;
      const { page, flow } = await signIn('veteran', PW);
      assert.ok(page.url.startsWith(flow.redirect), 'signed in');
      const updates = stack.commands.slice(start).filter((c) => c.commandName === 'update' && c.command.update === 'users');
      return updates.filter((c) => JSON.stringify(c.command.updates).includes('"$set":{"passwordHash"')).length;
    };
    assert.equal(await hashWrites(), 1, 'one write replaces the hash');
    const after = await stored();
    assert.match(after.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'the current parameters');
    assert.equal(after.passwordChangedAt?.toISOString(), changedAt.toISOString(), 'not a password change');

    assert.equal(await hashWrites(), 0, 'a current hash is not rewritten');
    assert.equal((await stored()).passwordHash, after.passwordHash, 'and it verifies the same password');
  });

  it('checklist 13: a password over 1,024 characters is refused unchecked, with no guess counted; a body over the limit is a 413', async () => {
    const id = await stack.createUser(storeId, 'longish', 'cashier', PW);
    const hibpBefore = stack.hibp.requests.length;
    const { page } = await signIn('longish', `${PW}${'x'.repeat(1100)}`);
    assert.equal(page.status, 400);
    assert.match(textOf(page.body), /Please check what you entered/);
    assert.equal((await stack.db.models.User.findById(id).lean())?.throttle?.failures ?? 0, 0, 'never compared, never counted');
    assert.equal(stack.hibp.requests.length, hibpBefore, 'nor sent anywhere');
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const huge = await submit(agent, flow.page, { username: 'longish', password: 'y'.repeat(64 * 1024) });
    assert.equal(huge.status, 413);
  });

  it('checklist 15: a suffix in the range answer matches whatever its case; a password whose suffix is absent is not breached', async () => {
    stack.hibp.setLowercase(true);
    try {
      const breached = await stack.services.breach.check(BREACHED_PASSWORD);
      assert.deepEqual(breached, { status: 'breached', count: 4321 });
    } finally {
      stack.hibp.setLowercase(false);
    }
    // same prefix, another suffix: absent means not breached
    assert.deepEqual(await stack.services.breach.check(fresh()), { status: 'ok' });
  });

  it('checklist 18, 19: one range request per submitted password, for its SHA-1 prefix (mode=sha1, never NTLM), none from the pages', async () => {
    // a password of its own: the checker keeps range answers for an hour
    const own = fresh();
    await stack.createUser(storeId, 'counted', 'cashier', own);
    const before = stack.hibp.requests.length;
    await signIn('counted', own);
    const asked = stack.hibp.requests.slice(before);
    assert.deepEqual(asked, [`/range/${sha1(own).slice(0, 5)}?mode=sha1`]);
    assert.ok(asked.every((r) => !/ntlm/i.test(r)));
    // nothing in the pages or their scripts talks to the range API while typing
    const page = await beginSignIn(stack, new Agent(), { login_hint: 'bakery:' });
    assert.doesNotMatch(page.page.body, /pwnedpasswords|\/range\//);
    const scripts = [...page.page.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 1, 'the password page loads its script');
    for (const src of scripts) {
      const res = await fetch(new URL(src, stack.issuer));
      assert.equal(res.status, 200, src);
      assert.doesNotMatch(await res.text(), /pwnedpasswords|\/range\/|keyup|keydown|oninput|addEventListener\(\s*['"]input/i, src);
    }
  });

  it('checklist 20: any answer but 200 (429, 500, 403, 404, a redirect) means unavailable: sign-in goes on, audited, and the common list still holds', async () => {
    const own = fresh();
    await stack.createUser(storeId, 'quota', 'cashier', own);
    for (const status of [429, 500, 403, 404, 302]) {
      stack.hibp.setDown(status);
      try {
        assert.equal((await stack.services.breach.check(fresh())).status, 'unavailable', String(status));
        assert.deepEqual(await stack.services.passwords.checkNew(COMMON, {}), { ok: false, reason: 'common' }, String(status));
      } finally {
        stack.hibp.setDown(false);
      }
    }
    stack.hibp.setDown(429);
    try {
      const { flow, page } = await signIn('quota', own);
      assert.ok(page.url.startsWith(flow.redirect), 'fail open (B7)');
      assert.ok(await stack.db.models.AuditEvent.exists({ type: 'breach.check_unavailable' }));
    } finally {
      stack.hibp.setDown(false);
    }
  });
});

describe('the range API only over TLS 1.2 or later (checklist 19)', () => {
  const key = readFileSync(new URL('../fixtures/tls/localhost.key', import.meta.url));
  const cert = readFileSync(new URL('../fixtures/tls/localhost.crt', import.meta.url));
  let server: https.Server;
  let stack: Stack;

  before(async () => {
    // this test's own certificate authority (the process's default store, as fetch uses it)
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.toString()]);
    server = https.createServer({ key, cert, minVersion: 'TLSv1.2' }, (req, res) => {
      const prefix = /^\/range\/([0-9A-F]{5})/.exec(req.url ?? '')?.[1] ?? '';
      res.end(prefix === sha1(BREACHED_PASSWORD).slice(0, 5) ? `${sha1(BREACHED_PASSWORD).slice(5)}:7` : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stack = await startStack({ HIBP_BASE_URL: `https://localhost:${(server.address() as AddressInfo).port}` });
  });
  after(async () => {
    await stack?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('checklist 19: the check works over TLS 1.2+, and a server offering only TLS 1.0/1.1 is not used (unavailable)', async () => {
    assert.deepEqual(await stack.services.breach.check(BREACHED_PASSWORD), { status: 'breached', count: 7 });
    server.setSecureContext({ key, cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const old = await stack.services.breach.check(fresh());
    assert.equal(old.status, 'unavailable');
    assert.ok(old.status === 'unavailable' && /fetch failed|protocol|version|ssl|tls/i.test(old.error), old.status === 'unavailable' ? old.error : '');
  });

  it('checklist 19: production refuses a range API that is not https://, unless it is on this host', () => {
    const env = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1' };
    assert.throws(() => loadConfig({ ...env, HIBP_BASE_URL: 'http://mirror.shop.local' }), /HIBP_BASE_URL: must be an https:\/\/ URL/);
    assert.throws(() => loadConfig({ ...env, HIBP_BASE_URL: 'http://10.0.0.8:8080' }), /HIBP_BASE_URL/);
    assert.equal(loadConfig({ ...env, HIBP_BASE_URL: 'https://mirror.shop.local' }).breach.baseUrl, 'https://mirror.shop.local');
    assert.equal(loadConfig({ ...env, HIBP_BASE_URL: 'http://127.0.0.1:8080' }).breach.baseUrl, 'http://127.0.0.1:8080', 'a mirror on this host');
  });
});
