// Wrong device user codes per address (B25; RFC 8628 §5.1), with in-memory markers and a clock the test moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserCodeGuard } from '../../src/services/throttle/user-codes.js';

function guard(start = Date.parse('2027-03-01T10:00:00Z')) {
  const taken = new Set<string>();
  let now = start;
  const g = createUserCodeGuard({
    claim: async ({ key }) => (taken.has(key) ? false : Boolean(taken.add(key))),
    clock: () => new Date(now),
    limits: { wrongPerAddress: 3, windowMs: 15 * 60_000 },
  });
  return { g, taken, move: (ms: number) => (now += ms) };
}

test('an address gets its wrong codes, then waits until the window ends; other addresses do not', async () => {
  const { g, move } = guard();
  assert.deepEqual(g.check('10.0.0.1'), { ok: true });
  assert.deepEqual(await g.wrong('10.0.0.1'), { ok: true });
  assert.deepEqual(await g.wrong('10.0.0.1'), { ok: true });
  assert.deepEqual(await g.wrong('10.0.0.1'), { ok: false, minutes: 15 });
  assert.deepEqual(g.check('10.0.0.1'), { ok: false, minutes: 15 });
  assert.deepEqual(g.check('10.0.0.2'), { ok: true });
  move(10 * 60_000 + 1);
  assert.deepEqual(g.check('10.0.0.1'), { ok: false, minutes: 5 });
  move(5 * 60_000);
  assert.deepEqual(g.check('10.0.0.1'), { ok: true }, 'a new window');
});

test('the count is shared by every instance (one marker per wrong code): a second instance sees a used-up window', async () => {
  const { g, taken } = guard();
  const other = createUserCodeGuard({
    claim: async ({ key }) => (taken.has(key) ? false : Boolean(taken.add(key))),
    clock: () => new Date(Date.parse('2027-03-01T10:00:00Z')),
    limits: { wrongPerAddress: 3, windowMs: 15 * 60_000 },
  });
  await g.wrong('10.0.0.1');
  await other.wrong('10.0.0.1');
  assert.deepEqual(await g.wrong('10.0.0.1'), { ok: false, minutes: 15 });
  assert.equal((await other.wrong('10.0.0.1')).ok, false, 'no slot is left for the other instance either');
});
