// Quick-switch rules with fixed clocks (B19): trivial PINs, who may use a PIN, and the end of a store's business day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinProblem } from '../../src/services/quick-switch/pin.js';
import { pinAllowed } from '../../src/services/quick-switch/roles.js';
import { businessDayEnd, storeTimeZone } from '../../src/services/quick-switch/business-day.js';

test('B19: a PIN has 4-8 digits and is not one anyone tries first', () => {
  for (const pin of ['0000', '1111', '1234', '4321', '9876', '8901', '12345678', '1212', '123123', '4545']) assert.equal(pinProblem(pin, pin), 'pin_trivial', pin);
  for (const pin of ['123', '123456789', '12a4', ' 1234', '١٢٣٤']) assert.equal(pinProblem(pin, pin), 'pin_shape', pin);
  for (const pin of ['2580', '7315', '40961', '51937264']) assert.equal(pinProblem(pin, pin), undefined, pin);
  assert.equal(pinProblem('2580', '2581'), 'pin_mismatch');
});

test('B19: owners and admins never use a PIN; nobody switches by PIN to more privilege than the current user', () => {
  for (const current of ['owner', 'admin', 'manager', 'cashier', undefined] as const) {
    assert.equal(pinAllowed('owner', current), false);
    assert.equal(pinAllowed('admin', current), false);
  }
  assert.equal(pinAllowed('manager', 'manager'), true);
  assert.equal(pinAllowed('manager', 'owner'), true);
  assert.equal(pinAllowed('manager', 'cashier'), false);
  assert.equal(pinAllowed('cashier', 'cashier'), true);
  assert.equal(pinAllowed('manager', undefined), false, 'with nobody signed in, only cashiers');
  assert.equal(pinAllowed('cashier', undefined), true);
});

test('B19: the business day ends at the store\'s day-start hour in its time zone, across DST too', () => {
  // Amsterdam, winter (UTC+1): 14:00 local -> next local midnight = 23:00 UTC
  assert.equal(businessDayEnd(new Date('2026-01-15T13:00:00Z'), 'Europe/Amsterdam', 0).toISOString(), '2026-01-15T23:00:00.000Z');
  // summer (UTC+2)
  assert.equal(businessDayEnd(new Date('2026-07-15T12:00:00Z'), 'Europe/Amsterdam', 0).toISOString(), '2026-07-15T22:00:00.000Z');
  // a day that starts at 04:00: at 02:30 local the day that began yesterday still runs until 04:00 today
  assert.equal(businessDayEnd(new Date('2026-07-15T00:30:00Z'), 'Europe/Amsterdam', 4).toISOString(), '2026-07-15T02:00:00.000Z');
  assert.equal(businessDayEnd(new Date('2026-07-15T02:00:00Z'), 'Europe/Amsterdam', 4).toISOString(), '2026-07-16T02:00:00.000Z');
  // the night the clocks go forward (29 March 2026): the day ends at the next local midnight, UTC+2 by then
  assert.equal(businessDayEnd(new Date('2026-03-29T10:00:00Z'), 'Europe/Amsterdam', 0).toISOString(), '2026-03-29T22:00:00.000Z');
  // Sydney is ahead of UTC: local midnight is the previous UTC day
  assert.equal(businessDayEnd(new Date('2026-01-15T05:00:00Z'), 'Australia/Sydney', 0).toISOString(), '2026-01-15T13:00:00.000Z');
  assert.equal(storeTimeZone({ country: 'NL' }), 'Europe/Amsterdam');
  assert.equal(storeTimeZone({ country: 'GB' }), 'Europe/London');
  assert.equal(storeTimeZone({ country: 'ZZ' }), 'UTC');
  assert.equal(storeTimeZone({ country: 'NL', timeZone: 'America/Chicago' }), 'America/Chicago');
  assert.equal(storeTimeZone({ country: 'NL', timeZone: 'Not/AZone' }), 'UTC');
});
