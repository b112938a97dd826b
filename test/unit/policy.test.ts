// Table-driven tests for who must use MFA (S1, S5, D4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mfaRequirement, type MfaRequirementInput, type Role } from '../../src/services/policy/index.js';
import { momentInWords } from '../../src/services/policy/time-zone.js';

type Row = {
  name: string;
  role: Role;
  country?: string;
  integrations?: string[];
  managers?: boolean;
  everyone?: boolean;
  client?: boolean;
  reasons: string[];
};

const rows: Row[] = [
  { name: 'S1: owner always', role: 'owner', reasons: ['role'] },
  { name: 'S1: admin always', role: 'admin', reasons: ['role'] },
  { name: 'manager, no policy', role: 'manager', reasons: [] },
  { name: 'cashier, no policy', role: 'cashier', reasons: [] },
  { name: 'store requires everyone: cashier', role: 'cashier', everyone: true, reasons: ['store_everyone'] },
  { name: 'store requires managers: manager', role: 'manager', managers: true, reasons: ['store_managers'] },
  { name: 'store requires managers: cashier exempt', role: 'cashier', managers: true, reasons: [] },
  { name: 'store requires managers: admin too', role: 'admin', managers: true, reasons: ['role', 'store_managers'] },
  { name: 'S5: AU + Xero admin', role: 'admin', country: 'AU', integrations: ['xero'], reasons: ['role', 'au_xero'] },
  { name: 'S5: AU + Xero owner, case-insensitive', role: 'owner', country: 'au', integrations: ['Xero'], reasons: ['role', 'au_xero'] },
  { name: 'S5: AU + Xero does not reach cashiers', role: 'cashier', country: 'AU', integrations: ['xero'], reasons: [] },
  { name: 'S5: NZ + Xero is not the AU rule', role: 'admin', country: 'NZ', integrations: ['xero'], reasons: ['role'] },
  { name: 'S5: AU without Xero', role: 'admin', country: 'AU', integrations: ['shopify'], reasons: ['role'] },
  { name: 'D4: client demands MFA of a cashier', role: 'cashier', client: true, reasons: ['client'] },
  {
    name: 'everything at once',
    role: 'owner',
    country: 'AU',
    integrations: ['xero'],
    managers: true,
    everyone: true,
    client: true,
    reasons: ['role', 'store_everyone', 'store_managers', 'au_xero', 'client'],
  },
];

for (const row of rows) {
  test(`mfaRequirement: ${row.name}`, () => {
    const input: MfaRequirementInput = {
      role: row.role,
      store: {
        country: row.country ?? 'NL',
        integrations: row.integrations ?? [],
        policy: { requireForManagers: row.managers ?? false, requireForEveryone: row.everyone ?? false, managerMfaBy: null, cashierMfaBy: null },
      },
      client: { requireMfa: row.client ?? false },
      now: new Date('2026-01-19T10:00:00Z'),
    };
    assert.deepEqual(mfaRequirement(input), { required: row.reasons.length > 0, reasons: row.reasons });
  });
}

test('issue 19 item 7: a reset\'s moment in the store\'s time, with the year only when it is not this year\'s', () => {
  const at = new Date('2026-12-07T13:05:00Z');
  assert.deepEqual(momentInWords(at, 'en', 'Europe/Amsterdam', new Date('2026-12-08T09:00:00Z')), { date: '7 December', time: '14:05' });
  assert.deepEqual(momentInWords(at, 'nl', 'Europe/Amsterdam', new Date('2026-12-08T09:00:00Z')), { date: '7 december', time: '14:05' });
  assert.deepEqual(momentInWords(at, 'en', 'Europe/London', new Date('2027-01-02T09:00:00Z')), { date: '7 December 2026', time: '13:05' });
});
