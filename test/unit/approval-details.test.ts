// B20 rules without a server: what a pos_approval detail may contain, who may approve, amounts in words, exact match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approvalDetailOf, formatAmount, invalidDetailReason, refusalReason, sameTransaction } from '../../src/services/approval/details.js';

const REFUND = { type: 'pos_approval', action: 'refund', amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: 'T-1234' } as const;

test('B20: a detail is exactly the five members with decimal-string amounts; anything else is named in the error', () => {
  assert.equal(invalidDetailReason(REFUND), undefined);
  for (const [bad, member] of [
    [{ ...REFUND, amount: 120 }, 'amount'],
    [{ ...REFUND, amount: '120.5' }, 'amount'],
    [{ ...REFUND, amount: '-1.00' }, 'amount'],
    [{ ...REFUND, amount: '0120.00' }, 'amount'],
    [{ ...REFUND, currency: 'eur' }, 'currency'],
    [{ ...REFUND, action: 'payout' }, 'action'],
    [{ ...REFUND, transaction_id: 'T 1' }, 'transaction_id'],
    [{ ...REFUND, register: '' }, 'register'],
  ] as const) {
    assert.match(invalidDetailReason(bad) ?? '', new RegExp(`pos_approval ${member}: invalid value`), JSON.stringify(bad));
  }
  assert.equal(invalidDetailReason({ ...REFUND, cashier: 'Mia' }), 'pos_approval detail: unknown member');
  assert.deepEqual(approvalDetailOf([{ type: 'other' }, REFUND]), REFUND);
  assert.equal(approvalDetailOf([{ ...REFUND, amount: 1 }]), undefined);
});

test('B20: four eyes, manager or higher, same store, with a second factor', () => {
  const request = { cashierId: 'c1', storeId: 's1' };
  const manager = { id: 'm1', role: 'manager' as const, mfaEnabled: true };
  assert.equal(refusalReason(manager, 's1', request), undefined);
  assert.equal(refusalReason({ ...manager, role: 'owner' }, 's1', request), undefined);
  assert.equal(refusalReason({ ...manager, role: 'admin' }, 's1', request), undefined);
  assert.equal(refusalReason({ ...manager, role: 'cashier' }, 's1', request), 'role');
  assert.equal(refusalReason({ ...manager, id: 'c1' }, 's1', request), 'self');
  assert.equal(refusalReason(manager, 's2', request), 'store');
  assert.equal(refusalReason({ ...manager, mfaEnabled: false }, 's1', request), 'no_mfa');
});

test('B8, B20: amounts read in the page language', () => {
  assert.equal(formatAmount(REFUND, 'en'), '€120.00');
  assert.equal(formatAmount(REFUND, 'nl').replace(/\u00a0/g, ' '), '€ 120,00');
  assert.equal(formatAmount({ amount: '1234.50', currency: 'GBP' }, 'en'), '£1,234.50');
});

test('B20: a booking matches only when action, amount, currency, register and transaction are all the approved ones', () => {
  const booking = { action: 'refund', amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: 'T-1234' };
  assert.equal(sameTransaction(REFUND, booking), true);
  for (const key of Object.keys(booking)) assert.equal(sameTransaction(REFUND, { ...booking, [key]: 'x' }), false, key);
});
