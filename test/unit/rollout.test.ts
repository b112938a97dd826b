// MFA roll-out rules with a fixed clock (B21): what the date means in the store's time zone, when reminders are due,
// ISO weeks for the weekly summary, who is overdue, and both roll-out emails in English and Dutch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoWeekOf, reminderDue, rolloutFor, storeToday } from '../../src/services/rollout/deadline.js';
import { mfaRequirement } from '../../src/services/policy/index.js';
import { mfaStanding } from '../../src/services/policy/standing.js';
import { createEmailRenderer } from '../../src/mail/render.js';
import { buildView } from '../../src/mail/view.js';
import type { StoreView, UserView } from '../../src/services/account/users.js';
import { NO_FAILURES } from '../../src/services/throttle/guard.js';

const policy = (cashierMfaBy: string | null) => ({ requireForManagers: false, requireForEveryone: false, managerMfaBy: null, cashierMfaBy });
const nl = (cashierMfaBy: string | null) => ({ country: 'NL', integrations: [], policy: policy(cashierMfaBy) });

test('B21: "by 31 January" is enforced from 1 February 00:00 store time (Amsterdam), not UTC', () => {
  const store = nl('2027-01-31');
  assert.deepEqual(rolloutFor('cashier', store, new Date('2027-01-19T10:00:00Z')), { deadline: '2027-01-31', daysLeft: 12, enforced: false });
  // 22:59 UTC on 31 January is 23:59 in Amsterdam: the last day
  assert.equal(rolloutFor('cashier', store, new Date('2027-01-31T22:59:00Z'))?.enforced, false);
  assert.equal(rolloutFor('cashier', store, new Date('2027-01-31T22:59:00Z'))?.daysLeft, 0);
  // 23:00 UTC is midnight in Amsterdam: enforced, although it is still 31 January in UTC
  assert.equal(rolloutFor('cashier', store, new Date('2027-01-31T23:00:00Z'))?.enforced, true);
  assert.equal(storeToday(new Date('2027-01-31T23:00:00Z'), { country: 'GB' }), '2027-01-31');
  assert.equal(rolloutFor('manager', store, new Date('2027-01-19T10:00:00Z')), undefined, 'only the role with a date');
  assert.equal(rolloutFor('owner', store, new Date('2027-01-19T10:00:00Z')), undefined);
});

test('B21: the requirement holds from the day after the deadline (reason store_deadline); immediate rules still win', () => {
  const before = new Date('2027-01-31T12:00:00Z');
  const afterwards = new Date('2027-02-01T12:00:00Z');
  const input = (now: Date, extra: Partial<ReturnType<typeof policy>> = {}) =>
    mfaRequirement({ role: 'cashier', store: { ...nl('2027-01-31'), policy: { ...policy('2027-01-31'), ...extra } }, client: { requireMfa: false }, now });
  assert.deepEqual(input(before), { required: false, reasons: [] });
  assert.deepEqual(input(afterwards), { required: true, reasons: ['store_deadline'] });
  assert.deepEqual(input(before, { requireForEveryone: true }), { required: true, reasons: ['store_everyone'] });
});

test('B21: reminders are due a week before (7 to 2 days left) and a day before (1 or 0 days left), never after', () => {
  const at = (daysLeft: number) => reminderDue({ deadline: '2027-01-31', daysLeft, enforced: daysLeft < 0 });
  assert.deepEqual([8, 7, 6, 2, 1, 0, -1].map(at), [undefined, '7d', '7d', '7d', '1d', '1d', undefined]);
  assert.equal(reminderDue(undefined), undefined);
});

test('B21: ISO weeks for the weekly summary, across year ends', () => {
  assert.deepEqual(
    ['2026-12-28', '2027-01-03', '2027-01-04', '2024-12-30', '2020-12-31', '2021-01-03', '2021-01-04'].map(isoWeekOf),
    ['2026-W53', '2026-W53', '2027-W01', '2025-W01', '2020-W53', '2020-W53', '2021-W01'],
  );
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const renderer = createEmailRenderer({ root });
const user: UserView = {
  id: 'u1', storeId: 's1', username: 'cas', name: 'Cas Jansen', email: 'cas@x.test', emailVerified: false, emailChangedAt: null, role: 'cashier', active: true, locale: null,
  localeChosen: false, mfaEnabled: false, credentialTypes: [], mustEnrol: false, mustChangePassword: false,
  throttle: NO_FAILURES,
};
const store: StoreView = {
  id: 's1', prefix: 'deli', name: 'Deli', country: 'NL', locale: 'nl', localeChosen: false, integrations: [],
  policy: { ...policy('2027-01-31'), rememberDeviceAllowed: true, rememberDeviceDays: 30, passwordEnrolmentUntil: null, sessionIdleMinutes: 60, sessionAbsoluteHours: 12 },
};
const render = (type: 'rollout_reminder' | 'rollout_summary', details: Record<string, unknown>, locale: 'en' | 'nl') =>
  renderer.render(
    type === 'rollout_reminder' ? 'rollout-reminder' : 'rollout-summary',
    buildView({
      notification: { type, userId: 'u1', details }, user, store, actor: 'system', at: new Date('2027-01-24T08:00:00Z'), productName: 'POS Sign-in',
      supportEmail: 'help@x.test', recipient: { name: 'Cas Jansen', locale, onBehalf: false, address: 'cas@x.test' },
    }),
    locale,
  );

test('B21/B8: the reminder says the date and the days left, with plural forms, in English and Dutch', () => {
  const en = render('rollout_reminder', { deadline: '2027-01-31', daysLeft: 7 }, 'en');
  assert.equal(en.subject, 'POS Sign-in: Set up multi-factor authentication by 31 January 2027');
  assert.match(en.text, /by 31 January 2027\. 7 days left\./);
  const one = render('rollout_reminder', { deadline: '2027-01-31', daysLeft: 1 }, 'nl');
  assert.equal(one.subject, 'POS Sign-in: Stel multifactorauthenticatie in uiterlijk op 31 januari 2027');
  assert.match(one.text, /uiterlijk op 31 januari 2027\. Nog 1 dag\./);
  for (const part of [en.subject, en.text, en.html, one.subject, one.text, one.html]) assert.doesNotMatch(part, /\{[a-zA-Z_]\w*\}|\brollout\.[a-z_.]+/);
});

test('B21/B8: the weekly summary lists counts per role, the overdue and who to tell in person, in both languages', () => {
  const details = {
    week: '2027-W05',
    roles: [{ role: 'cashier', total: 3, enrolled: 1, due: 0, overdue: 2 }],
    overdue: [{ name: 'Noa', role: 'cashier', hasEmail: false }, { name: 'Cas', role: 'cashier', hasEmail: true }],
    dueWithoutEmail: [{ name: 'Mia', role: 'manager', deadline: '2027-02-28' }],
    truncated: false,
  };
  const en = render('rollout_summary', details, 'en');
  assert.match(en.text, /- Cashier: 3 users: 1 enrolled, 0 not yet \(deadline ahead\), 2 overdue/);
  assert.match(en.text, /- Noa \(Cashier\) – no email address, give them a temporary access pass/);
  assert.match(en.text, /- Cas \(Cashier\)\n/);
  assert.match(en.text, /- Mia \(Manager\): by 28 February 2027/);
  const nlMail = render('rollout_summary', details, 'nl');
  assert.match(nlMail.subject, /MFA-invoering bij Deli: sommige gebruikers zijn te laat/);
  assert.match(nlMail.text, /- Kassamedewerker: 3 gebruikers: 1 ingesteld, 0 nog niet/);
  assert.match(nlMail.text, /- Mia \(Bedrijfsleider\): uiterlijk op 28 februari 2027/);
  assert.ok(nlMail.html.includes('<li>Noa (Kassamedewerker) – geen e-mailadres'));
});

test('issue 19 item 5: one standing per user, the users list and MFA coverage both count with it', () => {
  const now = new Date('2027-01-19T10:00:00Z');
  const store = (p: Partial<ReturnType<typeof policy>> & { requireForManagers?: boolean } = {}) => ({ country: 'NL', integrations: [], policy: { ...policy(null), ...p } });
  const cases: Array<[string, Parameters<typeof mfaStanding>[0], ReturnType<typeof store>, string]> = [
    ['an admin with MFA', { role: 'admin', mfaEnabled: true, mustEnrol: false }, store(), 'active'],
    ['a new admin: required by the role, no deadline passed', { role: 'admin', mfaEnabled: false, mustEnrol: false }, store(), 'required'],
    ['a manager nothing requires', { role: 'manager', mfaEnabled: false, mustEnrol: false }, store(), 'optional'],
    ['that manager after an admin reset', { role: 'manager', mfaEnabled: false, mustEnrol: true }, store(), 'reset'],
    ['a manager the store requires, after a reset', { role: 'manager', mfaEnabled: false, mustEnrol: true }, store({ requireForManagers: true }), 'required'],
    ['a cashier before the deadline', { role: 'cashier', mfaEnabled: false, mustEnrol: false }, store({ cashierMfaBy: '2027-01-31' }), 'due'],
    ['a cashier after the deadline', { role: 'cashier', mfaEnabled: false, mustEnrol: false }, store({ cashierMfaBy: '2027-01-18' }), 'overdue'],
    ['after the deadline, even with "everyone" ticked too', { role: 'cashier', mfaEnabled: false, mustEnrol: false }, store({ cashierMfaBy: '2027-01-18', requireForEveryone: true }), 'overdue'],
    ['a cashier with "everyone" ticked', { role: 'cashier', mfaEnabled: false, mustEnrol: false }, store({ requireForEveryone: true }), 'required'],
  ];
  for (const [why, user, s, expected] of cases) assert.equal(mfaStanding(user, s, now).standing, expected, why);
});
