// Email notifications over real SMTP and the real database: every type, language, owner fallback, outbox retries, exactly once,
// and the "Verify email address" link (S4, S6, S11, B6; checklist 64, 66, 67, 68, 70).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startStack, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpMessage, type SmtpSink } from '../helpers/smtp.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { createMailWorker, createVerifyLinks, VERIFY_TTL_MS } from '../../src/mail/index.js';
import { CLOSE_AFTER } from '../../src/services/throttle/index.js';

const COOKIE_KEYS = 'notifications-test-key-one-0123456789,notifications-test-key-two-0123456789';
const SUPPORT = 'help@pos-support.test';
const HOUR = 3_600_000;
const silent = pino({ level: 'silent' });

const messageIdOf = (m: SmtpMessage) => /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)?.[1] ?? '';
const linkOf = (m: SmtpMessage) => /(http:\/\/[^\s]+\/account\/verify-email\?[^\s]+)/.exec(m.text)?.[1];
const UTC_TIME = /\d{1,2} \S+ \d{4} (?:at|om) \d{2}:\d{2} UTC/;

describe('email notifications through the outbox (S4, B6; checklist 66-68)', () => {
  let sink: SmtpSink;
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};
  const secrets: string[] = []; // every code and TOTP secret issued here: none may ever appear in an email (checklist 68)

  before(async () => {
    sink = await startSmtpSink();
    // pollMs 0: only drain() sends, so every test decides exactly when mail goes out
    stack = await startStack(
      { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SUPPORT_EMAIL: SUPPORT, COOKIE_KEYS, MAIL_FROM: 'POS Sign-in <no-reply@pos.test>' },
      { outbox: { pollMs: 0 } },
    );
    storeId = await stack.createStore('bakery', { name: 'Bakery Bros', country: 'GB' });
    ids.olivia = await stack.createUser(storeId, 'olivia', 'owner', 'owner passphrase 1', { name: 'Olivia Owner', locale: 'en' });
    ids.anna = await stack.createUser(storeId, 'anna', 'admin', 'admin passphrase 1', { name: 'Anna Admin', locale: 'nl' });
    ids.carl = await stack.createUser(storeId, 'carl', 'cashier', 'cashier passphrase 1', { name: 'Carl Cashier' });
    ids.dirk = await stack.createUser(storeId, 'dirk', 'cashier', 'cashier passphrase 2', { name: 'Dirk de Vries', locale: 'nl', email: null });
    ids.vera = await stack.createUser(storeId, 'vera', 'admin', 'admin passphrase 2', { name: 'Vera Admin' });
    ids.walt = await stack.createUser(storeId, 'walt', 'admin', 'admin passphrase 3', { name: 'Walt Admin' });
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  // Runs the change, sends what is due, returns the emails it produced.
  async function mailFrom(change: () => Promise<unknown>): Promise<SmtpMessage[]> {
    const mark = sink.messages.length;
    await change();
    const result = await stack.outbox!.drain();
    const fresh = sink.messages.slice(mark);
    assert.equal(result.sent, fresh.length);
    return fresh;
  }

  async function enrol(userId: string, actorId = userId) {
    const pending = stack.services.factors.totp.newPendingSecret();
    const { otpauthUri } = await stack.services.factors.totp.describePending(pending, 'bakery', userId);
    const secret = new URL(otpauthUri).searchParams.get('secret')!;
    const app = new AuthenticatorApp(secret);
    const code = await app.code();
    const done = await stack.services.factors.totp.confirmEnrolment(userId, pending, code, { actorId }, await stack.grant(userId));
    assert.ok(done.ok);
    secrets.push(secret, code, ...done.codes);
    return done.codes;
  }

  it('S6: MFA turned on by an admin: one email, in Dutch for a Dutch admin, with a Verify email address button', async () => {
    const [mail, ...rest] = await mailFrom(() => enrol(ids.anna!));
    assert.equal(rest.length, 0);
    assert.deepEqual(mail!.to, ['anna@example.test']);
    assert.equal(mail!.from, 'no-reply@pos.test');
    assert.match(mail!.subject, /Multifactorauthenticatie ingeschakeld/);
    assert.match(mail!.text, /Hallo Anna Admin/);
    assert.match(mail!.text, /E-mailadres verifiëren: http:\/\/localhost:\d+\/account\/verify-email\?token=/);
    assert.match(mail!.html, /<a href="http:\/\/localhost:\d+\/account\/verify-email\?token&#x3D;[^"]+"[^>]*>E-mailadres verifiëren<\/a>/);
    assert.match(mail!.text, UTC_TIME);
    // the services' hook still reports to the test's list (the stack wraps the real notifier)
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_enabled' && n.userId === ids.anna));
  });

  it('checklist 66: MFA turned on by a cashier: English by default, no verify button', async () => {
    const [mail] = await mailFrom(() => enrol(ids.carl!));
    assert.deepEqual(mail!.to, ['carl@example.test']);
    assert.match(mail!.subject, /Multi-factor authentication turned on/);
    assert.doesNotMatch(mail!.text, /verify-email/);
    assert.match(mail!.text, /Done by: You/);
  });

  it('checklist 66: a used recovery code says how many remain, never the code', async () => {
    const codes = await enrol(ids.vera!);
    await stack.outbox!.drain();
    const mails = await mailFrom(() => stack.services.mfa.useRecoveryCode(ids.vera!, codes[0]!, { ip: '198.51.100.4' }));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /A recovery code was used/);
    assert.match(mails[0]!.text, /11 unused recovery codes remain\./);
    assert.ok(!mails[0]!.raw.includes(codes[0]!));
  });

  it('checklist 66: regenerated recovery codes are announced without the codes', async () => {
    let fresh: string[] = [];
    const [mail] = await mailFrom(async () => {
      fresh = await stack.services.mfa.regenerateCodes(ids.carl!, { actorId: ids.carl! });
    });
    secrets.push(...fresh);
    assert.match(mail!.subject, /New recovery codes created/);
    assert.ok(fresh.every((c) => !mail!.raw.includes(c)));
  });

  it('checklist 64/66: MFA set up again by the user, then reset by an admin who is named', async () => {
    const [self] = await mailFrom(() => enrol(ids.carl!));
    assert.match(self!.subject, /Multi-factor authentication reset/);
    assert.match(self!.text, /set up again with a new authenticator app entry/);
    const [byAdmin] = await mailFrom(() => stack.services.mfa.remove(ids.carl!, { actorId: ids.anna! }, { mustEnrol: true }));
    assert.deepEqual(byAdmin!.to, ['carl@example.test']);
    assert.match(byAdmin!.subject, /Multi-factor authentication reset/);
    assert.match(byAdmin!.text, /must be set up again at the next sign-in/);
    assert.match(byAdmin!.text, /Done by: Anna Admin \(Administrator\)/);
  });

  it('S11/checklist 66: MFA removed by the owner (named, in the user\'s Dutch) and by the user', async () => {
    const [byOwner] = await mailFrom(() => stack.services.mfa.remove(ids.anna!, { actorId: ids.olivia! }));
    assert.deepEqual(byOwner!.to, ['anna@example.test']);
    assert.match(byOwner!.subject, /Multifactorauthenticatie verwijderd/);
    assert.match(byOwner!.text, /Uitgevoerd door: Olivia Owner \(Accounteigenaar\)/);
    await enrol(ids.carl!);
    await stack.outbox!.drain();
    const [bySelf] = await mailFrom(() => stack.services.mfa.remove(ids.carl!, { actorId: ids.carl! }));
    assert.match(bySelf!.subject, /Multi-factor authentication removed/);
    assert.match(bySelf!.text, /Done by: You/);
  });

  it('checklist 66: password changed', async () => {
    const [mail] = await mailFrom(() => stack.services.passwords.change(ids.carl!, 'a brand new passphrase 9', { actorId: ids.carl! }));
    assert.deepEqual(mail!.to, ['carl@example.test']);
    assert.match(mail!.subject, /Password changed/);
    assert.ok(!mail!.raw.includes('a brand new passphrase 9'));
  });

  it('checklist 67: an email change is sent to the old and to the new address', async () => {
    const mails = await mailFrom(() => stack.services.email.change(ids.carl!, 'carl.new@example.test', { actorId: ids.carl! }));
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['carl.new@example.test', 'carl@example.test']);
    for (const m of mails) {
      assert.match(m.subject, /Email address changed/);
      assert.match(m.text, /changed from carl@example\.test to carl\.new@example\.test/);
    }
    const toOld = mails.find((m) => m.to[0] === 'carl@example.test')!;
    assert.match(toOld.text, /at the old address/);
  });

  it('B18, checklist 21: the 100th failure closes unknown-device sign-in; user and owner are emailed once, the link unlocks once', async () => {
    const { throttle, users } = stack.services;
    // the failures before the one that closes, long enough ago that no back-off is pending
    await stack.pastFailures(`acct:${storeId}:carl`, CLOSE_AFTER - 1, 3_600);
    const fail = async () => {
      const carl = await users.byId(ids.carl!);
      assert.ok(carl);
      return throttle.attempt({ storeId, username: 'carl', user: carl }, { ip: '203.0.113.9', factor: 'password' }, throttle.simply(async () => false), { clearOnSuccess: false });
    };
    const mails = await mailFrom(async () => assert.equal((await fail()).kind, 'failed'));
    // (carl's address changed in an earlier test)
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['carl.new@example.test', 'olivia@example.test']);
    for (const m of mails) assert.match(m.subject, /Sign-in blocked after too many failed attempts/);
    const toCarl = mails.find((m) => m.to[0] === 'carl.new@example.test')!;
    assert.match(toCarl.text, /After 100 failed sign-in attempts in a row/);
    const toOwner = mails.find((m) => m.to[0] === 'olivia@example.test')!;
    assert.doesNotMatch(toOwner.text, /account\/unlock/);
    assert.equal((await fail()).kind, 'closed', 'closed for unknown sources from now on');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'account.locked', userId: ids.carl }), 1, 'audited once');

    const link = /https?:\/\/\S+\/account\/unlock\?\S+/.exec(toCarl.text)?.[0];
    assert.ok(link);
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Reopen sign-in/);
    assert.ok((await users.byId(ids.carl!))?.throttle.closedAt, 'opening the link alone changes nothing');
    const token = new URL(link).searchParams.get('token') ?? '';
    const unlocked = await mailFrom(async () => {
      const res = await fetch(`${stack.issuer}/account/unlock`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /You can sign in from any device again/);
    });
    assert.equal(unlocked.length, 1);
    assert.match(unlocked[0]!.subject, /Sign-in unlocked/);
    const after = await users.byId(ids.carl!);
    assert.equal(after?.throttle.closedAt, null);
    assert.equal(after?.throttle.failures, 0);
    const again = await fetch(`${stack.issuer}/account/unlock`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    assert.equal(again.status, 400, 'the link works once');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'account.unlocked', userId: ids.carl }), 1);
  });

  it('S4: a user without an email: the owner gets it in the owner\'s language, saying which user', async () => {
    const [mail, ...rest] = await mailFrom(() => stack.services.passwords.change(ids.dirk!, 'dirk new passphrase 7', { actorId: ids.anna! }));
    assert.equal(rest.length, 0);
    assert.deepEqual(mail!.to, ['olivia@example.test']);
    assert.match(mail!.subject, /Password changed \(Dirk de Vries\)/);
    assert.match(mail!.text, /Hello Olivia Owner/);
    assert.match(mail!.text, /as the account owner of Bakery Bros because Dirk de Vries \(dirk\) has no email address/);
    assert.match(mail!.text, /Done by: Anna Admin \(Administrator\)/);
    assert.match(mail!.text, /If Dirk de Vries did not make or expect this change, contact support immediately/);
  });

  it('S4: with neither a user nor an owner address the notice is audited as undeliverable, not lost silently', async () => {
    const lonely = await stack.createStore('lonely');
    await stack.createUser(lonely, 'boss', 'owner', 'owner passphrase 2', { email: null });
    const clerk = await stack.createUser(lonely, 'clerk', 'cashier', 'cashier passphrase 3', { email: null });
    const before = await stack.db.models.OutboxMessage.countDocuments();
    await stack.services.passwords.change(clerk, 'clerk new passphrase 1', { actorId: clerk });
    assert.equal(await stack.db.models.OutboxMessage.countDocuments(), before);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'notification.undeliverable', userId: clerk }));
  });

  it('checklist 68: every email has the time in UTC, repudiation instructions with the support contact, and no secret', () => {
    assert.ok(sink.messages.length >= 12);
    for (const m of sink.messages) {
      assert.match(m.text, UTC_TIME, m.subject);
      assert.ok(m.text.includes(SUPPORT) && m.html.includes(SUPPORT), m.subject);
      assert.match(m.text, /contact|contact op/, m.subject);
      for (const s of secrets) assert.ok(!m.raw.includes(s), `${m.subject} carries a secret`);
      assert.match(m.html, /^<!doctype html>/);
      assert.match(m.raw, /^Auto-Submitted: auto-generated/im);
    }
  });

  it('B6: SMTP down loses nothing; retries back off; after a restart every email is delivered exactly once', async () => {
    const mark = sink.messages.length;
    sink.setDown(true);
    await stack.services.passwords.change(ids.vera!, 'vera new passphrase 1', { actorId: ids.vera! });
    await stack.services.mfa.regenerateCodes(ids.vera!, { actorId: ids.vera! });
    await stack.services.passwords.change(ids.dirk!, 'dirk new passphrase 8', { actorId: ids.dirk! });
    const pending = await stack.db.models.OutboxMessage.find({ status: 'pending' }).lean();
    assert.equal(pending.length, 3);

    const first = await stack.outbox!.drain();
    assert.deepEqual(first, { sent: 0, failed: 3 });
    const afterFirst = await stack.db.models.OutboxMessage.find({ _id: { $in: pending.map((p) => p._id) } }).lean();
    for (const m of afterFirst) {
      assert.equal(m.status, 'pending');
      assert.equal(m.attempts, 1);
      assert.match(m.lastError ?? '', /451/);
      assert.ok(m.nextAttemptAt > m.createdAt, 'backs off');
    }
    // nothing is due again before its backoff ends
    assert.deepEqual(await stack.outbox!.drain(), { sent: 0, failed: 0 });
    // still down an hour later: a second attempt, pushed further out
    assert.deepEqual(await stack.outbox!.drain({ now: new Date(Date.now() + HOUR) }), { sent: 0, failed: 3 });
    const afterSecond = await stack.db.models.OutboxMessage.find({ _id: { $in: pending.map((p) => p._id) } }).lean();
    for (const m of afterSecond) assert.equal(m.attempts, 2);

    // "restart": a new worker on the same outbox simply continues
    sink.setDown(false);
    const restarted = createMailWorker({ config: stack.config, models: stack.db.models, logger: silent, pollMs: 0 });
    try {
      assert.deepEqual(await restarted.drain({ now: new Date(Date.now() + 2 * HOUR) }), { sent: 3, failed: 0 });
      assert.deepEqual(await restarted.drain({ now: new Date(Date.now() + 3 * HOUR) }), { sent: 0, failed: 0 });
    } finally {
      await restarted.stop();
    }
    const delivered = sink.messages.slice(mark);
    assert.equal(delivered.length, 3);
    const expectedIds = pending.map((p) => `<${String(p._id)}@pos.test>`).sort();
    assert.deepEqual(delivered.map(messageIdOf).sort(), expectedIds);
    const sent = await stack.db.models.OutboxMessage.find({ _id: { $in: pending.map((p) => p._id) } }).lean();
    assert.ok(sent.every((m) => m.status === 'sent' && m.sentAt && m.expiresAt && m.attempts === 2));
  });

  it('B6/B9: several workers draining at once send every email exactly once', async () => {
    const mark = sink.messages.length;
    const workers = [0, 1, 2].map(() => createMailWorker({ config: stack.config, models: stack.db.models, logger: silent, pollMs: 0 }));
    try {
      const notify = stack.services.notify;
      for (let i = 0; i < 4; i++) {
        await notify({ type: 'password_changed', userId: ids.carl!, actorId: ids.carl! });
        await notify({ type: 'recovery_codes_regenerated', userId: ids.dirk!, actorId: ids.dirk! });
      }
      const queued = await stack.db.models.OutboxMessage.find({ status: 'pending' }).lean();
      assert.equal(queued.length, 8);
      const results = await Promise.all(workers.map((w) => w.drain()));
      assert.equal(results.reduce((sum, r) => sum + r.sent, 0), 8);
      assert.ok(results.every((r) => r.failed === 0));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const delivered = sink.messages.slice(mark).map(messageIdOf);
    assert.equal(delivered.length, 8);
    assert.equal(new Set(delivered).size, 8);
    assert.equal(await stack.db.models.OutboxMessage.countDocuments({ status: 'pending' }), 0);
  });

  it('B6: a polling worker started later picks up what was queued while none ran', async () => {
    await stack.services.notify({ type: 'password_changed', userId: ids.walt!, actorId: ids.walt! });
    const [queued] = await stack.db.models.OutboxMessage.find({ status: 'pending' }).lean();
    assert.ok(queued);
    const worker = createMailWorker({ config: stack.config, models: stack.db.models, logger: silent, pollMs: 50 });
    worker.start();
    try {
      const mail = await sink.waitFor((m) => messageIdOf(m) === `<${String(queued._id)}@pos.test>`);
      assert.deepEqual(mail.to, ['walt@example.test']);
    } finally {
      await worker.stop();
    }
  });
});

describe('the Verify email address link (S6; checklist 70)', () => {
  let sink: SmtpSink;
  let stack: Stack;
  let storeId: string;

  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}`, COOKIE_KEYS }, { outbox: { pollMs: 0 } });
    storeId = await stack.createStore('verify', { country: 'GB' });
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  const isVerified = async (id: string) => (await stack.services.users.byId(id))!.emailVerified;
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

  async function adminWithMfaEmail(username: string, locale: string | null = null) {
    const id = await stack.createUser(storeId, username, 'admin', `${username} passphrase 1`, { locale });
    const mark = sink.messages.length;
    const pending = stack.services.factors.totp.newPendingSecret();
    const { otpauthUri } = await stack.services.factors.totp.describePending(pending, 'verify', username);
    const app = new AuthenticatorApp(new URL(otpauthUri).searchParams.get('secret')!);
    assert.ok((await stack.services.factors.totp.confirmEnrolment(id, pending, await app.code(), { actorId: id }, await stack.grant(id))).ok);
    await stack.outbox!.drain();
    const mail = sink.messages.slice(mark).find((m) => m.to.includes(`${username}@example.test`));
    assert.ok(mail);
    return { id, link: linkOf(mail)! };
  }

  it('the link from the email verifies the address once, is audited, and signs nobody in (checklist 70)', async () => {
    const { id, link } = await adminWithMfaEmail('vic');
    assert.ok(link);
    assert.equal(await isVerified(id), false);
    const res = await get(link);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Email address verified/);
    assert.equal(res.headers.getSetCookie().length, 0);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(await isVerified(id), true);
    // opening it again is harmless and not audited twice
    assert.equal((await get(link)).status, 200);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'email.verified', userId: id }), 1);
  });

  it('the page follows the email\'s language (Dutch link, Dutch page)', async () => {
    const { link } = await adminWithMfaEmail('noor', 'nl');
    assert.match(link, /ui_locales=nl/);
    const res = await get(link);
    assert.match(await res.text(), /E-mailadres geverifieerd/);
  });

  it('a tampered link is refused with a clear message and changes nothing', async () => {
    const { id, link } = await adminWithMfaEmail('tim');
    const url = new URL(link);
    const token = url.searchParams.get('token')!;
    const [payload, sig] = token.split('.') as [string, string];
    // another user's id in the payload, with the original signature
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), u: id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) })).toString('base64url');
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    for (const bad of [`${forged}.${sig}`, `${payload}.${flipped}`, 'garbage', '']) {
      url.searchParams.set('token', bad);
      const res = await get(url.href);
      assert.equal(res.status, 400, bad);
      const html = await res.text();
      assert.match(html, /This link is not valid/);
      assert.match(html, /Nothing was changed/);
    }
    assert.equal(await isVerified(id), false);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'email.verified', userId: id }), 0);
  });

  it('an expired link is refused (translated) and changes nothing', async () => {
    const id = await stack.createUser(storeId, 'eva', 'admin', 'eva passphrase 1');
    const eightDaysAgo = new Date(Date.now() - VERIFY_TTL_MS - 86_400_000);
    const old = createVerifyLinks({ cookieKeys: COOKIE_KEYS.split(','), clock: () => eightDaysAgo }).sign(id, 'eva@example.test');
    const en = await get(`${stack.issuer}/account/verify-email?token=${old}`);
    assert.equal(en.status, 400);
    assert.match(await en.text(), /This link has expired/);
    const nl = await get(`${stack.issuer}/account/verify-email?token=${old}`, { 'accept-language': 'nl' });
    assert.match(await nl.text(), /Deze link is verlopen/);
    assert.equal(await isVerified(id), false);
  });

  it('a link for an address the user no longer has verifies nothing', async () => {
    const { id, link } = await adminWithMfaEmail('max');
    await stack.services.email.change(id, 'max.other@example.test', { actorId: id });
    const res = await get(link);
    assert.equal(res.status, 400);
    assert.equal(await isVerified(id), false);
  });

  it('a link signed with an older cookie key still verifies (key rotation)', async () => {
    const id = await stack.createUser(storeId, 'rot', 'admin', 'rot passphrase 1');
    const token = createVerifyLinks({ cookieKeys: [COOKIE_KEYS.split(',')[1]!], clock: () => new Date() }).sign(id, 'rot@example.test');
    assert.equal((await get(`${stack.issuer}/account/verify-email?token=${token}`)).status, 200);
    assert.equal(await isVerified(id), true);
  });
});
