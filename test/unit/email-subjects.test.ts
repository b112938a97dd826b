// Every email's subject says what happened, and two different events never share one (issue 23; S4, B8): each
// notification type, in each of its kinds of event, rendered in English and Dutch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmailRenderer, templateFor } from '../../src/mail/render.js';
import { buildView } from '../../src/mail/view.js';
import type { StoreView, UserView } from '../../src/services/account/users.js';
import type { NotificationType } from '../../src/services/notifications/index.js';
import { NO_FAILURES } from '../../src/services/throttle/guard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const renderer = createEmailRenderer({ root });

const store: StoreView = {
  id: 's1', prefix: 'deli', name: 'Deli', country: 'NL', locale: 'en', localeChosen: false, integrations: [],
  policy: { requireForManagers: false, requireForEveryone: false, rememberDeviceAllowed: true, rememberDeviceDays: 30, passwordEnrolmentUntil: null, sessionIdleMinutes: 60, sessionAbsoluteHours: 12, managerMfaBy: null, cashierMfaBy: null },
};
const person = (id: string, over: Partial<UserView> = {}): UserView => ({
  id, storeId: 's1', username: id, name: `${id} name`, email: `${id}@x.test`, emailVerified: false, emailChangedAt: null, role: 'cashier',
  active: true, locale: null, localeChosen: false, mfaEnabled: true, credentialTypes: ['totp'], mustEnrol: false, mustChangePassword: false, throttle: NO_FAILURES, ...over,
});
const admin = person('adam', { role: 'admin', name: 'Adam Admin' });

interface Event {
  /** what happened, in a few words */
  name: string;
  actor?: 'self' | 'system' | UserView;
  details?: Record<string, unknown>;
  /** what the English subject must say */
  says: RegExp;
}

// a Record over every type: a new notification type fails to compile here until its events are listed
const EVENTS: Record<NotificationType, Event[]> = {
  mfa_enabled: [{ name: 'MFA turned on', details: { factor: 'totp' }, says: /turned on/ }],
  mfa_reset: [
    { name: 'MFA set up again by the user', actor: 'self', details: { factor: 'totp' }, says: /set up again$/ },
    { name: 'MFA reset by an admin', actor: admin, details: { factors: ['totp'] }, says: /reset: set it up again at your next sign-in/ },
  ],
  mfa_removed: [{ name: 'MFA removed', details: { factors: ['totp'] }, says: /removed/ }],
  recovery_code_used: [{ name: 'a recovery code used', details: { remaining: 4 }, says: /recovery code was used/ }],
  recovery_codes_regenerated: [{ name: 'new recovery codes', says: /New recovery codes/ }],
  password_changed: [{ name: 'password changed', says: /Password changed/ }],
  email_changed: [{ name: 'address changed', details: { oldEmail: 'old@x.test', newEmail: 'new@x.test' }, says: /Email address changed/ }],
  account_locked: [{ name: 'sign-in blocked', actor: 'system', details: { generation: 0 }, says: /blocked/ }],
  account_unlocked: [{ name: 'sign-in unlocked', actor: admin, says: /unlocked/ }],
  access_pass_created: [{ name: 'access pass', actor: admin, details: { expiresAt: '2025-03-05T10:15:00Z' }, says: /access pass/ }],
  enrolment_link: [{ name: 'enrolment link', details: { url: 'https://idp.test/enrol', expiresAt: '2025-03-05T10:15:00Z' }, says: /link to set up/ }],
  email_verification: [{ name: 'verify address', says: /Verify your email address/ }],
  second_factor_failed: [{ name: 'wrong code after the right password', actor: 'system', details: { ip: '192.0.2.1' }, says: /wrong authentication code/ }],
  passkey_added: [{ name: 'passkey added', details: { name: 'Till 2' }, says: /Passkey added/ }],
  passkey_removed: [{ name: 'passkey removed', details: { name: 'Till 2' }, says: /Passkey removed/ }],
  password_reset_link: [{ name: 'reset link', actor: 'system', details: { url: 'https://idp.test/reset', expiresAt: '2025-03-05T10:15:00Z' }, says: /[Rr]eset your password/ }],
  rollout_reminder: [
    { name: 'MFA deadline ahead', actor: 'system', details: { deadline: '2025-03-11', daysLeft: 7 }, says: /by 11 March 2025/ },
    { name: 'MFA deadline passed', actor: 'system', details: { deadline: '2025-03-01', daysLeft: -3 }, says: /next sign-in/ },
  ],
  rollout_summary: [
    { name: 'weekly roll-out summary', actor: 'system', details: { week: '2025-W10', roles: [], overdue: [], dueWithoutEmail: [], truncated: false }, says: /roll-out at Deli/ },
  ],
  pin_changed: [
    { name: 'PIN set', details: { change: 'set' }, says: /PIN.*set|set.*PIN/i },
    { name: 'PIN changed', details: { change: 'changed' }, says: /PIN.*changed|changed.*PIN/i },
    { name: 'PIN removed', details: { change: 'removed' }, says: /PIN.*removed|removed.*PIN/i },
  ],
  register_trusted: [{ name: 'register trusted', actor: admin, details: { register: 'Till 2' }, says: /Till 2/ }],
};

function subjectOf(type: NotificationType, event: Event, locale: 'en' | 'nl'): string {
  const view = buildView({
    notification: { type, userId: 'ann', details: event.details },
    user: person('ann'), store, actor: event.actor ?? 'self', at: new Date('2025-03-04T10:15:00Z'), productName: 'POS Sign-in', supportEmail: 'help@x.test',
    recipient: { name: 'Ann', locale, onBehalf: false, address: 'ann@x.test' },
  });
  return renderer.render(templateFor(type), view, locale).subject.replace(/^POS Sign-in: /, '');
}

const all = Object.entries(EVENTS).flatMap(([type, events]) => events.map((event) => ({ type: type as NotificationType, event })));

test('issue 23: each email\'s subject says what happened', () => {
  for (const { type, event } of all) assert.match(subjectOf(type, event, 'en'), event.says, `${type}: ${event.name}`);
});

for (const locale of ['en', 'nl'] as const) {
  test(`issue 23: no two events share a subject (${locale})`, () => {
    const seen = new Map<string, string>();
    for (const { type, event } of all) {
      const subject = subjectOf(type, event, locale);
      assert.ok(!seen.has(subject), `"${subject}": ${seen.get(subject)} and ${type} (${event.name})`);
      seen.set(subject, `${type} (${event.name})`);
    }
    assert.equal(seen.size, all.length);
  });
}

test('issue 23: every subject is translated (Dutch differs from English)', () => {
  for (const { type, event } of all) assert.notEqual(subjectOf(type, event, 'nl'), subjectOf(type, event, 'en'), `${type}: ${event.name}`);
});
