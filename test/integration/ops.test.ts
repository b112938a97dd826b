// The operator's break-glass MFA reset (S11): the command logic on a real database, and the CLI as a separate process.
import { linkGrant } from '../helpers/grant.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Types } from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { createServices, type Services } from '../../src/container.js';
import { loadDeploymentSecrets } from '../../src/provider/deployment-secrets.js';
import type { Notification } from '../../src/services/notifications/index.js';
import { resetMfa, runOps } from '../../src/ops.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REASON = 'Owner lost phone and recovery codes; request #4711 from the registered email address';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/ops.ts', ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ops reset-mfa (S11; checklist 64, 65)', () => {
  let database: TestDatabase;
  let db: Database;
  let services: Services;
  const notifications: Notification[] = [];
  let storeId: string;
  let ownerId: string;
  let cashierId: string;

  async function withMfa(userId: string, username: string) {
    const pending = services.factors.totp.newPendingSecret();
    const { secretGrouped } = await services.factors.totp.describePending(pending, 'florist', username);
    const app = new AuthenticatorApp(secretGrouped.replace(/\s+/g, ''));
    assert.ok((await services.factors.totp.confirmEnrolment(userId, pending, await app.code(), { actorId: userId }, await linkGrant(services.binding, (await services.users.byId(userId))!))).ok);
    await services.devices.remember(userId, 30, { ip: '127.0.0.1', userAgent: 'test' });
    // a live provider session and an admin-console session of the user
    await db.models.OidcPayload.create({ _id: `Session:${userId}`, model: 'Session', payload: '{}', accountId: userId, expiresAt: new Date(Date.now() + 3600_000) });
    const now = Date.now();
    await db.models.AdminSession.create({ _id: `s-${userId}`, kind: 'session', userId: new Types.ObjectId(userId), storeId: new Types.ObjectId(storeId), csrf: 'x', absoluteExpiresAt: new Date(now + 3600_000), expiresAt: new Date(now + 1800_000) });
  }

  before(async () => {
    database = await startTestDatabase();
    db = await connectDatabase(database.uri, { syncIndexes: database.syncIndexes });
    const config = loadConfig({ MONGODB_URI: database.uri, LOG_LEVEL: 'silent' });
    const secrets = await loadDeploymentSecrets(config, db.models);
    services = createServices({ config, models: db.models, secrets, logger: pino({ level: 'silent' }), notify: async (n) => void notifications.push(n) });
    const store = await db.models.StoreAccount.create({ prefix: 'florist', name: 'Florist', country: 'NL' });
    storeId = String(store._id);
    const hash = await services.passwords.hash('owner passphrase 2026');
    ownerId = String((await db.models.User.create({ storeId: store._id, username: 'olga', name: 'Olga', role: 'owner', email: 'olga@example.test', passwordHash: hash }))._id);
    cashierId = String((await db.models.User.create({ storeId: store._id, username: 'cas', name: 'Cas', role: 'cashier', passwordHash: hash }))._id);
    await withMfa(ownerId, 'olga');
    await withMfa(cashierId, 'cas');
  });
  after(async () => {
    await db?.close();
    await database?.stop();
  });

  it('refuses without a reason, and for an unknown store or user, changing nothing', async () => {
    const input = { storePrefix: 'florist', username: 'olga', reason: '  ', operator: 'jane', host: 'test' };
    assert.deepEqual(await resetMfa({ models: db.models, services }, input), { ok: false, error: 'reason_missing' });
    assert.deepEqual(await resetMfa({ models: db.models, services }, { ...input, reason: REASON, storePrefix: 'nope' }), { ok: false, error: 'store_unknown' });
    assert.deepEqual(await resetMfa({ models: db.models, services }, { ...input, reason: REASON, username: 'nobody' }), { ok: false, error: 'user_unknown' });
    assert.equal((await services.users.byId(ownerId))!.mfaEnabled, true);
    assert.equal(await db.models.AuditEvent.countDocuments({ type: 'mfa.reset_by_operator' }), 0);

    const noReason = capture();
    assert.equal(await runOps(['reset-mfa', '--store', 'florist', '--user', 'olga'], { MONGODB_URI: database.uri }, noReason.io), 1);
    assert.match(noReason.err.join('\n'), /--reason is required/);
    const unknown = capture();
    const env = { MONGODB_URI: database.uri, LOG_LEVEL: 'silent' };
    assert.equal(await runOps(['reset-mfa', '--store', 'nope', '--user', 'olga', '--reason', REASON], env, unknown.io), 1);
    assert.match(unknown.err.join('\n'), /no store with the prefix "nope"/);
    const nobody = capture();
    assert.equal(await runOps(['reset-mfa', '--store', 'florist', '--user', 'nobody', '--reason', REASON], env, nobody.io), 1);
    assert.match(nobody.err.join('\n'), /no user "nobody" in store "florist"/);
    const bad = capture();
    assert.equal(await runOps(['delete-everything'], env, bad.io), 1);
    assert.match(bad.err.join('\n'), /unknown command/);
    assert.equal((await services.users.byId(ownerId))!.mfaEnabled, true, 'still nothing changed');
  });

  it('resets the user\'s MFA: must enrol again, sessions and devices end, notified, audited with reason and operator', async () => {
    const result = await resetMfa({ models: db.models, services }, { storePrefix: 'florist', username: 'cas', reason: REASON, operator: 'jane', host: 'support-1' });
    assert.ok(result.ok);
    assert.equal(result.sessionsEnded, 2, 'the provider session and the admin-console session');
    const user = (await services.users.byId(cashierId))!;
    assert.equal(user.mfaEnabled, false);
    assert.equal(user.mustEnrol, true);
    assert.equal(await db.models.RememberedDevice.countDocuments({ userId: cashierId }), 0);
    assert.equal(await db.models.OidcPayload.countDocuments({ accountId: cashierId }), 0);
    assert.equal(await db.models.AdminSession.countDocuments({ userId: cashierId }), 0);
    assert.equal(await db.models.RecoveryCode.countDocuments({ userId: cashierId }), 0);
    assert.ok(notifications.some((n) => n.type === 'mfa_reset' && n.userId === cashierId));
    const event = await db.models.AuditEvent.findOne({ type: 'mfa.reset_by_operator', userId: cashierId }).lean();
    assert.ok(event);
    assert.equal(String(event.storeId), storeId);
    assert.equal(event.details.reason, REASON);
    assert.equal(event.details.operator, 'jane');
    assert.equal(event.details.host, 'support-1');
    assert.equal(event.details.hadMfa, true);
    // the owner is untouched
    assert.equal((await services.users.byId(ownerId))!.mfaEnabled, true);
  });

  it('the CLI resets the owner with MONGODB_URI set, prints what it did and the owner\'s temporary access pass, and exits 0 (B17)', async () => {
    const res = await runCli(['reset-mfa', '--store', 'florist', '--user', 'olga', '--reason', REASON, '--operator', 'sam'], { MONGODB_URI: database.uri, LOG_LEVEL: 'silent' });
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.match(lines[0]!, /^OK: MFA reset for "olga" \(owner\) in store "florist" by operator "sam": must set up MFA at the next sign-in; 2 session/);
    assert.match(lines[1]!, /^Temporary access pass for the owner's new authenticator/);
    const pass = lines[2]?.trim() ?? '';
    assert.match(pass, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    assert.ok(await services.binding.redeemLink({ id: ownerId, storeId: (await services.users.byId(ownerId))!.storeId }, pass), 'the printed pass works');
    const owner = (await services.users.byId(ownerId))!;
    assert.equal(owner.mfaEnabled, false);
    assert.equal(owner.mustEnrol, true);
    assert.equal(await db.models.OidcPayload.countDocuments({ accountId: ownerId }), 0);
    const event = await db.models.AuditEvent.findOne({ type: 'mfa.reset_by_operator', userId: ownerId }).lean();
    assert.equal(event!.details.operator, 'sam');
    assert.equal(event!.details.reason, REASON);
    assert.ok(await db.models.AuditEvent.exists({ type: 'mfa.reset_by_admin', userId: ownerId }), 'the MFA lifecycle event is kept too (checklist 65)');
  });
});
