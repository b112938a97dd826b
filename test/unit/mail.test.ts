// Email pieces with fakes and a fixed clock: rendering, verify-link tokens, retry backoff, claims, recipients (S4, S6, B6; checklist 66-68, 70).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createEmailRenderer, EMAIL_TEMPLATES, templateFor } from '../../src/mail/render.js';
import { buildView } from '../../src/mail/view.js';
import { createVerifyLinks, VERIFY_TTL_MS } from '../../src/mail/verify-link.js';
import { createUnlockLinks } from '../../src/mail/unlock-link.js';
import { createEmailWorker as createOutboxWorker } from '../../src/mail/worker.js';
import { retryDelayMs, RETRY_CAP_MS } from '../../src/outbox/worker.js';
import { CLAIM_LEASE_MS } from '../../src/outbox/drain-loop.js';
import { createOutboxNotifier } from '../../src/mail/notifier.js';
import type { NewDelivery, PendingDelivery } from '../../src/outbox/ports.js';
import { memoryOutbox } from '../helpers/memory-outbox.js';
import type { OutgoingMail } from '../../src/mail/transport.js';
import type { StoreView, UserView } from '../../src/services/account/users.js';
import type { AuditEvent } from '../../src/services/audit/index.js';
import type { Notification, NotificationType } from '../../src/services/notifications/index.js';
import { NO_FAILURES } from '../../src/services/throttle/guard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const silent = pino({ level: 'silent' });
const T0 = new Date('2025-03-04T10:15:00Z');
const renderer = createEmailRenderer({ root });

const store: StoreView = {
  id: 's1', prefix: 'deli', name: 'Deli & Co', country: 'NL', locale: 'en', localeChosen: true, integrations: [],
  policy: { requireForManagers: false, requireForEveryone: false, rememberDeviceAllowed: true, rememberDeviceDays: 30, passwordEnrolmentUntil: null, sessionIdleMinutes: 60, sessionAbsoluteHours: 12, managerMfaBy: null, cashierMfaBy: null },
};
const person = (id: string, over: Partial<UserView> = {}): UserView => ({
  id, storeId: 's1', username: id, name: `${id} name`, email: `${id}@x.test`, emailVerified: false, emailChangedAt: null, role: 'cashier',
  active: true, locale: null, localeChosen: false, mfaEnabled: true, credentialTypes: ['totp'], mustEnrol: false, mustChangePassword: false, throttle: NO_FAILURES, ...over,
});

const TYPES: NotificationType[] = [
  'mfa_enabled', 'mfa_reset', 'mfa_removed', 'recovery_code_used', 'recovery_codes_regenerated', 'password_changed', 'email_changed', 'account_locked', 'account_unlocked', 'access_pass_created', 'enrolment_link', 'email_verification', 'second_factor_failed', 'passkey_added', 'passkey_removed', 'password_reset_link', 'rollout_reminder', 'pin_changed', 'register_trusted',
];

// B21: the weekly summary only ever goes to the owner themself (test/unit/rollout.test.ts renders it)
const ROLLOUT_TYPES: NotificationType[] = ['rollout_summary'];

test('checklist 66: there is a template for every notification type', () => {
  assert.deepEqual([...TYPES, ...ROLLOUT_TYPES].map(templateFor).sort(), [...EMAIL_TEMPLATES].sort());
});

test('B8/checklist 68: every email renders in both languages: no raw key or placeholder, time in UTC, support contact, one-line subject', () => {
  const user = person('ann', { name: 'Ann <b>Jansen</b>' });
  for (const type of TYPES) {
    for (const locale of ['en', 'nl'] as const) {
      for (const onBehalf of [false, true]) {
        const view = buildView({
          notification: { type, userId: 'ann', details: { remaining: 4, oldEmail: 'old@x.test', newEmail: 'new@x.test', ip: '192.0.2.1', expiresAt: '2025-03-05T10:15:00Z', url: 'https://id.example.test/enrol', register: 'Till 2', change: 'set' } },
          user, store, actor: 'self', at: T0, productName: 'POS Sign-in', supportEmail: 'help@x.test',
          recipient: { name: 'Reader', locale, onBehalf, address: 'old@x.test' },
          verifyUrl: 'https://idp.test/account/verify-email?token=abc.def&ui_locales=en',
          unlockUrl: 'https://idp.test/account/unlock?token=abc.def&ui_locales=en',
        });
        const out = renderer.render(templateFor(type), view, locale);
        const label = `${type}/${locale}/${onBehalf}`;
        for (const part of [out.subject, out.text, out.html]) {
          assert.doesNotMatch(part, /\bemails\.[a-z_]+/, `${label}: raw key`);
          assert.doesNotMatch(part, /\{[a-zA-Z_]\w*\}/, `${label}: placeholder`);
        }
        assert.doesNotMatch(out.subject, /\n/);
        assert.match(out.text, locale === 'en' ? /4 March 2025 at 10:15 UTC/ : /4 maart 2025 om 10:15 UTC/, label);
        assert.ok(out.text.includes('help@x.test') && out.html.includes('help@x.test'), label);
        // HTML escapes user values; the text part shows them as they are
        assert.ok(out.html.includes('Ann &lt;b&gt;Jansen&lt;/b&gt;'), label);
        assert.ok(!out.html.includes('<b>Jansen'), label);
        assert.ok(out.text.includes('Ann <b>Jansen</b>'), label);
        if (onBehalf) assert.ok(out.subject.includes('Ann <b>Jansen</b>'), label);
      }
    }
  }
});

test('B18: the lock-out email offers the unlock link to the user, and tells the owner where to unlock', () => {
  const view = (onBehalf: boolean, unlockUrl?: string) =>
    buildView({
      notification: { type: 'account_locked', userId: 'ann', details: { generation: 0 } }, user: person('ann'), store, actor: 'system', at: T0,
      productName: 'P', supportEmail: 's@x.test', recipient: { name: 'Ann', locale: 'en', onBehalf, address: 'ann@x.test' }, unlockUrl,
    });
  const own = renderer.render('account-locked', view(false, 'https://idp.test/account/unlock?token=t'), 'en');
  assert.match(own.text, /After 100 failed sign-in attempts in a row/);
  assert.match(own.text, /Unlock sign-in: https:\/\/idp\.test\/account\/unlock\?token=t/);
  assert.match(own.text, /Devices where ann name signed in before keep working/);
  const owner = renderer.render('account-locked', view(true), 'nl');
  assert.doesNotMatch(owner.text, /account\/unlock/, 'the owner gets no link to the user\'s unlock');
  assert.match(owner.text, /beheeromgeving/);
  assert.equal(view(false).actorText, undefined);
});

test('S6: verify tokens round-trip, expire after 7 days, and refuse any change', () => {
  let now = T0;
  const links = createVerifyLinks({ cookieKeys: ['key-a', 'key-b'], clock: () => now });
  const token = links.sign('user-1', 'Ann@X.test');
  assert.deepEqual(links.verify(token), { ok: true, userId: 'user-1', emailHash: links.emailHash('ann@x.test') });
  assert.ok(!token.includes('ann') && !token.includes('Ann'), 'the address is not in the link');
  const [payload, sig] = token.split('.') as [string, string];
  const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), u: 'user-2' })).toString('base64url');
  assert.deepEqual(links.verify(`${other}.${sig}`), { ok: false, reason: 'invalid' });
  assert.deepEqual(links.verify(`${payload}.${sig.slice(1)}`), { ok: false, reason: 'invalid' });
  assert.deepEqual(links.verify(`${payload}.`), { ok: false, reason: 'invalid' });
  assert.deepEqual(links.verify('x'.repeat(600)), { ok: false, reason: 'invalid' });
  // another deployment's keys do not verify it; a rotated-out first key still does while listed
  assert.equal(createVerifyLinks({ cookieKeys: ['key-c'], clock: () => now }).verify(token).ok, false);
  assert.equal(createVerifyLinks({ cookieKeys: ['key-new', 'key-a'], clock: () => now }).verify(token).ok, true);
  now = new Date(T0.getTime() + VERIFY_TTL_MS - 1000);
  assert.equal(links.verify(token).ok, true);
  now = new Date(T0.getTime() + VERIFY_TTL_MS);
  assert.deepEqual(links.verify(token), { ok: false, reason: 'expired' });
});

test('B6: retries back off exponentially from 5 s and never wait more than 15 minutes', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [5_000, 10_000, 20_000, 40_000]);
  assert.equal(retryDelayMs(8), 640_000);
  assert.equal(retryDelayMs(9), RETRY_CAP_MS);
  assert.equal(retryDelayMs(500), RETRY_CAP_MS);
});

const mail = (to: string): NewDelivery<'mail'> => ({ type: 'password_changed', userId: null, storeId: null, to, locale: 'en', subject: 's', text: 't', html: 'h' });

test('B6: a failed send is retried after the backoff, then marked sent', async () => {
  let now = T0;
  const sent: OutgoingMail[] = [];
  let down = true;
  const { port, rows } = memoryOutbox();
  const worker = createOutboxWorker({
    outbox: port, logger: silent, clock: () => now, messageIdDomain: 'x.test',
    sender: { send: async (m) => { if (down) throw Object.assign(new Error('try later'), { responseCode: 451 }); sent.push(m); }, close() {} },
  });
  const [id] = await port.enqueue([mail('a@x.test')], now);
  assert.deepEqual(await worker.drain(), { sent: 0, failed: 1 });
  assert.equal(rows.get(id!)!.nextAttemptAt.getTime(), T0.getTime() + 5_000);
  assert.equal(rows.get(id!)!.lastError, '451 try later');
  now = new Date(T0.getTime() + 4_000);
  assert.deepEqual(await worker.drain(), { sent: 0, failed: 0 });
  now = new Date(T0.getTime() + 5_000);
  assert.deepEqual(await worker.drain(), { sent: 0, failed: 1 });
  assert.equal(rows.get(id!)!.nextAttemptAt.getTime(), now.getTime() + 10_000);
  down = false;
  assert.deepEqual(await worker.drain({ now: new Date(now.getTime() + 10_000) }), { sent: 1, failed: 0 });
  assert.deepEqual(sent.map((m) => m.messageId), [`<${id}@x.test>`]);
  assert.equal(rows.get(id!)!.status, 'sent');
});

test('B6/B9: a claim held by a live worker is skipped; one left by a dead worker is taken over after the lease', async () => {
  let now = T0;
  const sent: string[] = [];
  const { port, rows } = memoryOutbox();
  const worker = createOutboxWorker({
    outbox: port, logger: silent, clock: () => now, messageIdDomain: 'x.test',
    sender: { send: async (m) => void sent.push(m.to), close() {} },
  });
  const [id] = await port.enqueue([mail('a@x.test')], now);
  // another instance claimed attempt 0 and (as far as we know) is still sending
  assert.equal(await port.claim(id!, 0, now), true);
  assert.deepEqual(await worker.drain(), { sent: 0, failed: 0 });
  assert.deepEqual(sent, []);
  // that instance died: after the lease the attempt is skipped and the next one claimed and sent
  now = new Date(T0.getTime() + CLAIM_LEASE_MS);
  assert.deepEqual(await worker.drain(), { sent: 1, failed: 0 });
  assert.deepEqual(sent, ['a@x.test']);
  assert.equal(rows.get(id!)!.attempts, 1);
  assert.equal(rows.get(id!)!.status, 'sent');
});

test('B6: a worker holding an old copy of a message that was sent meanwhile does not send it again', async () => {
  let now = T0;
  const sent: string[] = [];
  const { port, rows } = memoryOutbox();
  let stale: PendingDelivery<'mail'>[] = [];
  // this worker still sees the message as it was when first read
  const worker = createOutboxWorker({
    outbox: { ...port, due: async (_now, _limit, exclude) => stale.filter((m) => !exclude.includes(m.id)) },
    logger: silent, clock: () => now, messageIdDomain: 'x.test',
    sender: { send: async (m) => void sent.push(m.to), close() {} },
  });
  const [id] = await port.enqueue([mail('a@x.test')], now);
  stale = await port.due(now, 10, []);
  // another instance sent it long ago (its claim is older than the lease)
  await port.claim(id!, 0, now);
  await port.markSent(id!, now, now);
  now = new Date(T0.getTime() + 2 * CLAIM_LEASE_MS);
  assert.deepEqual(await worker.drain(), { sent: 0, failed: 0 });
  assert.deepEqual(sent, []);
  assert.equal(rows.get(id!)!.status, 'sent');
});

function notifierWith(users: UserView[], opts: { owner?: UserView } = {}) {
  const queued: NewDelivery<'mail'>[] = [];
  const audits: AuditEvent[] = [];
  const { port } = memoryOutbox();
  const notify = createOutboxNotifier({
    users: {
      byId: async (id) => users.find((u) => u.id === id),
      recentById: async (id) => users.find((u) => u.id === id),
      byUsername: async () => undefined,
      storeById: async () => store,
      storeByPrefix: async () => store,
    },
    ownerOf: async () => opts.owner,
    outbox: {
      ...port,
      enqueue: async (m, now) => {
        queued.push(...m);
        return port.enqueue(m, now);
      },
    },
    renderer,
    links: createVerifyLinks({ cookieKeys: ['k'], clock: () => T0 }),
    unlockLinks: createUnlockLinks({ cookieKeys: ['k'], clock: () => T0 }),
    audit: { record: async (e) => void audits.push(e) },
    logger: silent,
    clock: () => T0,
    issuer: 'https://idp.test',
    productName: 'POS Sign-in',
    supportEmail: 'help@x.test',
  });
  return { notify, queued, audits };
}

test('S4/S6: recipients: own address in own language; owner for a user without one; the verify button only for unverified admins', async () => {
  const owner = person('olivia', { role: 'owner', locale: 'nl', localeChosen: true });
  const admin = person('anna', { role: 'admin' });
  const verified = person('vera', { role: 'admin', emailVerified: true });
  const noEmail = person('dirk', { email: null, locale: 'en', localeChosen: true });
  const { notify, queued } = notifierWith([owner, admin, verified, noEmail], { owner });

  await notify({ type: 'mfa_enabled', userId: 'anna' });
  assert.equal(queued[0]!.to, 'anna@x.test');
  assert.equal(queued[0]!.locale, 'en');
  assert.match(queued[0]!.text, /https:\/\/idp\.test\/account\/verify-email\?token=[\w.-]+&ui_locales=en/);

  await notify({ type: 'mfa_enabled', userId: 'vera' });
  assert.doesNotMatch(queued[1]!.text, /verify-email/);

  await notify({ type: 'mfa_enabled', userId: 'dirk', actorId: 'anna' });
  assert.equal(queued[2]!.to, 'olivia@x.test');
  assert.equal(queued[2]!.locale, 'nl');
  assert.match(queued[2]!.text, /omdat dirk name \(dirk\) geen eigen e-mailadres heeft/);
  assert.match(queued[2]!.text, /Uitgevoerd door: anna name \(Beheerder\)/);
  assert.doesNotMatch(queued[2]!.text, /verify-email/);
});

test('checklist 67: an email change goes to both addresses, once each; a removed address still hears of it', async () => {
  const user = person('carl', { email: 'carl.new@x.test' });
  const { notify, queued } = notifierWith([user]);
  await notify({ type: 'email_changed', userId: 'carl', details: { oldEmail: 'carl@x.test', newEmail: 'Carl.New@x.test' } });
  assert.deepEqual(queued.map((m) => m.to), ['carl@x.test', 'Carl.New@x.test']);
  await notify({ type: 'email_changed', userId: 'carl', details: { oldEmail: 'carl.new@x.test', newEmail: null } });
  assert.deepEqual(queued.slice(2).map((m) => m.to), ['carl.new@x.test']);
  assert.match(queued[2]!.text, /was removed from this account/);
});

test('S11: the support break-glass reset names support; no address anywhere is audited, not thrown', async () => {
  const user = person('olivia', { role: 'owner' });
  const { notify, queued, audits } = notifierWith([user, person('lone', { email: null })], { owner: undefined });
  await notify({ type: 'mfa_reset', userId: 'olivia', actorId: '' } satisfies Notification);
  assert.match(queued[0]!.text, /Done by: Support, at the request of the account owner/);
  assert.match(queued[0]!.text, /must be set up again at the next sign-in/);
  await notify({ type: 'password_changed', userId: 'lone' });
  assert.equal(queued.length, 1);
  assert.deepEqual(audits.map((a) => a.type), ['notification.undeliverable']);
});

test('checklist 69: an alarm asked for at every wrong code, with no address anywhere, is audited under its key (once per sign-in)', async () => {
  const { notify, audits } = notifierWith([person('lone', { email: null })], { owner: undefined });
  for (let i = 0; i < 2; i++) await notify({ type: 'second_factor_failed', userId: 'lone', details: {}, key: 'signin-1' });
  assert.deepEqual(audits.map((a) => a.key), ['notification.undeliverable:signin-1', 'notification.undeliverable:signin-1']);
});

test('issue 13 item 7: the wrong-code email names the browser in words and this machine as "This computer"', () => {
  for (const [locale, words, place] of [['en', 'Chrome on Linux', 'This computer'], ['nl', 'Chrome op Linux', 'Deze computer']] as const) {
    const view = buildView({
      notification: { type: 'second_factor_failed', userId: 'ann', details: { ip: '::1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' } },
      user: person('ann'), store, actor: 'system', at: T0, productName: 'POS Sign-in', supportEmail: 'help@x.test',
      recipient: { name: 'Ann', locale, onBehalf: false, address: 'ann@x.test' },
    });
    const out = renderer.render(templateFor('second_factor_failed'), view, locale);
    assert.match(out.text, new RegExp(words));
    assert.match(out.text, new RegExp(place));
    assert.doesNotMatch(out.text, /Mozilla|::1/);
  }
});

test('issue 13 item 4: "MFA removed" says the next sign-in sets it up again when role or policy requires it, not "password only"', () => {
  const removed = (role: UserView['role'], requireForManagers: boolean) => {
    const view = buildView({
      notification: { type: 'mfa_removed', userId: 'ann' },
      user: person('ann', { role }), store: { ...store, policy: { ...store.policy, requireForManagers } }, actor: 'self', at: T0, productName: 'POS Sign-in', supportEmail: 'help@x.test',
      recipient: { name: 'Ann', locale: 'en', onBehalf: false, address: 'ann@x.test' },
    });
    return renderer.render(templateFor('mfa_removed'), view, 'en').text;
  };
  assert.match(removed('manager', true), /you set it up again at your next sign-in/);
  assert.doesNotMatch(removed('manager', true), /needs only the password|set up again at any time/);
  assert.match(removed('cashier', true), /Signing in now needs only the password/);
  assert.match(removed('admin', false), /you set it up again at your next sign-in/);
});
