// Where an audit event is found: its buckets and periods per filter key, in UTC; type prefixes map to one category
// only when every type they start can be only that (B5; issue 27).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_DAY, dayBucket, dayOf, keyOf, monthBucket, monthOf, periodOf, placeOf, yearPeriod } from '../../src/models/stores/audit-periods.js';
import { categoryOfPrefix } from '../../src/services/audit/categories.js';

const store = '64b000000000000000000001';
const carla = '64c000000000000000000001';
const adam = '64c000000000000000000002';

test('an event is found by its store, its category, each person in it, and each person with the category', () => {
  const at = new Date('2026-03-31T23:59:59.999Z');
  const { buckets, periods } = placeOf({ at, type: 'mfa.reset_by_admin', storeId: store, userId: carla, actorId: adam });
  const day = dayOf(at);
  const month = monthOf(at);
  const keys = [keyOf({ storeId: store }), keyOf({ storeId: store, category: 'mfa' }), keyOf({ storeId: store, person: carla }), keyOf({ storeId: store, person: carla, category: 'mfa' }), keyOf({ storeId: store, person: adam }), keyOf({ storeId: store, person: adam, category: 'mfa' })];
  assert.equal(new Set(keys.map((k) => k.key)).size, 6);
  assert.deepEqual(
    buckets,
    keys.flatMap(({ key, days }) => [...(days ? [dayBucket(key, day)] : []), monthBucket(key, month)]),
  );
  assert.deepEqual(keys.map((k) => k.days), [true, true, true, false, true, false], 'a person with a category has month buckets only');
  // a year lists its months, a month its days
  const storeKey = keys[0]!.key;
  assert.deepEqual(periods.filter((p) => p._id.startsWith(storeKey)), [
    { _id: dayBucket(storeKey, day), k: monthBucket(storeKey, month) },
    { _id: monthBucket(storeKey, month), k: yearPeriod(storeKey, 2026) },
    { _id: yearPeriod(storeKey, 2026), k: storeKey },
  ]);
  assert.deepEqual(periodOf(dayBucket(storeKey, day)), { kind: 'd', n: day });
});

test('periods are UTC days and months: the last millisecond of March and the first of April fall apart', () => {
  const march = new Date('2026-03-31T23:59:59.999Z');
  const april = new Date('2026-04-01T00:00:00.000Z');
  assert.equal(dayOf(april) - dayOf(march), 1);
  assert.equal(monthOf(april) - monthOf(march), 1);
  assert.equal(monthOf(new Date('2026-01-01T00:00:00Z')) - monthOf(new Date('2025-12-31T23:59:59.999Z')), 1);
});

test('one person acting on themself is one person; an event without a store is in no store log', () => {
  const self = placeOf({ at: new Date(), type: 'password.changed', storeId: store, userId: carla, actorId: carla });
  assert.equal(self.buckets.length, 2 + 2 + 2 + 1);
  assert.deepEqual(placeOf({ at: new Date(), type: 'signin.success', storeId: null, userId: carla }), { buckets: [], periods: [] });
});

test(`the ${BUSY_DAY}th event of a day of one key makes the day busy`, () => {
  const busy = new Set<string>();
  const { periods } = placeOf({ at: new Date('2026-03-10T12:00:00Z'), type: 'signin.success', storeId: store }, (bucket) => {
    busy.add(bucket);
    return bucket.startsWith(keyOf({ storeId: store }).key);
  });
  assert.equal(busy.size, 2, 'asked for each day bucket');
  const marked = periods.filter((p) => periodOf(p._id).kind === 'b');
  assert.equal(marked.length, 1);
  assert.equal(marked[0]?.k, monthBucket(keyOf({ storeId: store }).key, monthOf(new Date('2026-03-10T12:00:00Z'))));
});

test('a type prefix names a category only when every type it starts belongs to it', () => {
  assert.equal(categoryOfPrefix('mfa.'), 'mfa');
  assert.equal(categoryOfPrefix('mfa.reset'), 'mfa');
  assert.equal(categoryOfPrefix('signin.success'), 'signin');
  assert.equal(categoryOfPrefix('admin.policy_changed'), 'policy');
  assert.equal(categoryOfPrefix('admin.'), undefined, 'admin.signin is a sign-in, admin.user_created a user change');
  assert.equal(categoryOfPrefix('mfa'), undefined);
  assert.equal(categoryOfPrefix(''), undefined);
  assert.equal(categoryOfPrefix('zz.'), 'other');
});
