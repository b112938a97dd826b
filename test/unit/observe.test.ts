// The monitoring ports (issue 12 item 4): what the breach checker and the throttle guard report, with a fake range API
// and a fixed clock; the metrics themselves are checked over HTTP in test/integration/health-metrics.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBreachChecker } from '../../src/services/breach/index.js';
import { createThrottleGuard, NO_FAILURES, type AccountThrottleState } from '../../src/services/throttle/guard.js';
import { CLOSE_AFTER } from '../../src/services/throttle/index.js';
import type { BreachObserver, ThrottleObserver } from '../../src/services/observe/index.js';
import { startFakeHibp } from '../helpers/fake-hibp.js';

test('the breach checker reports each outcome, whether the range came from its cache or the API, and a duration', async () => {
  const hibp = await startFakeHibp({ 'correct horse': 12 });
  const seen: Parameters<BreachObserver['checked']>[0][] = [];
  const options = { userAgent: 'observe-test', timeoutMs: 1000, cacheSize: 10, cacheTtlMs: 60_000, observe: { checked: (e: (typeof seen)[0]) => seen.push(e) } };
  try {
    const checker = createBreachChecker({ ...options, baseUrl: hibp.url });
    assert.equal((await checker.check('correct horse')).status, 'breached');
    assert.equal((await checker.check('correct horse')).status, 'breached');
    assert.equal((await checker.check('a password nobody has used 8f3a')).status, 'ok');
    hibp.setDown(true);
    assert.equal((await checker.check('and another one while it is down 51c2')).status, 'unavailable');
    assert.deepEqual(
      seen.map(({ outcome, source }) => ({ outcome, source })),
      [
        { outcome: 'breached', source: 'api' },
        { outcome: 'breached', source: 'cache' },
        { outcome: 'ok', source: 'api' },
        { outcome: 'unavailable', source: 'api' },
      ],
    );
    assert.ok(seen.every((e) => e.seconds >= 0 && Number.isFinite(e.seconds)));
  } finally {
    await hibp.close();
  }
});

test('the throttle guard reports refusals (wait, closed, busy) and the lock at the 100th failure', async () => {
  const now = new Date('2026-03-01T10:00:00.000Z');
  const refused: Parameters<ThrottleObserver['refused']>[0][] = [];
  const locked: Parameters<ThrottleObserver['locked']>[0][] = [];
  let taken = false;
  const guard = createThrottleGuard({
    store: { save: async () => undefined, unlock: async () => true },
    // busy while `taken`: another attempt holds this second
    claimInOrder: async (markers) => (taken ? 0 : markers.length),
    clock: () => now,
    audit: { record: async () => undefined },
    notify: async () => undefined,
    observe: { refused: (e) => refused.push(e), locked: (e) => locked.push(e) },
  });
  const subject = (throttle: AccountThrottleState) => ({ storeId: 's1', username: 'kim', user: { id: 'u1', throttle } });
  const meta = { ip: '203.0.113.9', factor: 'password' as const };
  const wrong = guard.simply(async () => false);

  // eight failures a second ago: a back-off, refused unchecked
  assert.deepEqual(await guard.attempt(subject({ ...NO_FAILURES, failures: 8, lastFailureAt: new Date(now.getTime() - 1000) }), meta, wrong, { clearOnSuccess: false }), { kind: 'wait', seconds: 7 });
  // closed
  assert.deepEqual(await guard.attempt(subject({ ...NO_FAILURES, failures: CLOSE_AFTER, closedAt: now }), meta, wrong, { clearOnSuccess: false }), { kind: 'closed' });
  // the failure that closes it: a lock, once
  assert.deepEqual(await guard.attempt(subject({ ...NO_FAILURES, failures: CLOSE_AFTER - 1, lastFailureAt: new Date(now.getTime() - 3_600_000) }), meta, wrong, { clearOnSuccess: false }), { kind: 'failed' });
  // busy: the slot of this second is taken (the guard tries the next second once, then gives up)
  taken = true;
  assert.deepEqual(await guard.attempt(subject(NO_FAILURES), { ...meta, factor: 'totp' }, wrong, { clearOnSuccess: true }), { kind: 'wait', seconds: 1 });

  assert.deepEqual(refused, [
    { reason: 'wait', factor: 'password' },
    { reason: 'closed', factor: 'password' },
    { reason: 'busy', factor: 'totp' },
  ]);
  assert.deepEqual(locked, [{ factor: 'password' }]);
});
