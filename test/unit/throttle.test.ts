// The brute-force policy (B2, B18; checklist 21-24) and known-device tags, as pure functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFailuresAsAccount, backoffSeconds, CLOSE_AFTER } from '../../src/services/throttle/index.js';
import { knownDevices } from '../../src/services/throttle/known-devices.js';
import { createThrottleGuard, NO_FAILURES, type AccountThrottleState } from '../../src/services/throttle/guard.js';

test('backoffSeconds: four free tries, then 1, 2, 4 ... s, never above 15 minutes', () => {
  const table: Array<[number, number]> = [
    [0, 0],
    [4, 0],
    [5, 1],
    [6, 2],
    [14, 512],
    [15, 900],
    [99, 900],
  ];
  for (const [failures, seconds] of table) assert.equal(backoffSeconds(failures), seconds, `${failures} failures`);
  for (let n = 0; n <= 1000; n++) assert.ok(backoffSeconds(n) <= 900, `${n}`);
  assert.equal(backoffSeconds(Number.NaN), 900, 'a corrupt counter fails closed');
});

test('checklist 21: at most 100 consecutive failures, and reaching them takes about a day', () => {
  assert.equal(CLOSE_AFTER, 100);
  let seconds = 0;
  for (let failures = 1; failures < CLOSE_AFTER; failures++) seconds += backoffSeconds(failures);
  assert.ok(seconds > 20 * 3600, `${seconds} s`);
});

test('an address waits only after many failures across accounts (a shop is one address)', () => {
  assert.equal(backoffSeconds(addressFailuresAsAccount(49)), 0);
  assert.equal(backoffSeconds(addressFailuresAsAccount(50)), 1);
  assert.ok(backoffSeconds(addressFailuresAsAccount(100)) > 1);
});

test('B18: a known-device tag is the server\'s to make, per user and device', () => {
  const devices = knownDevices('a-cookie-key');
  const cookie = devices.remember(undefined, 'user-1');
  const device = devices.parse(cookie);
  assert.ok(device);
  assert.ok(devices.tagFor(device, 'user-1'));
  assert.equal(devices.tagFor(device, 'user-2'), undefined, 'another user is not known here');
  const both = devices.parse(devices.remember(device, 'user-2'));
  assert.ok(devices.tagFor(both, 'user-1') && devices.tagFor(both, 'user-2'), 'one register, several users');
  assert.equal(both?.id, device.id, 'the device keeps its id');
  assert.equal(knownDevices('other-key').tagFor(both, 'user-1'), undefined, 'a tag made with another key is not ours');
  const forged = devices.parse(`${device.id}.${'A'.repeat(22)}`);
  assert.equal(devices.tagFor(forged, 'user-1'), undefined, 'a made-up tag is refused');
});

// The guard with recording fakes: what it writes and claims for each attempt (checklist 24).
function recordingGuard(now: Date) {
  const writes: Array<{ userId: string; change: Record<string, unknown> }> = [];
  const claims: string[][] = [];
  const guard = createThrottleGuard({
    store: { save: async (userId, change) => void writes.push({ userId, change }), unlock: async () => true },
    claimInOrder: async (markers) => {
      claims.push(markers.map((m) => m.key));
      return markers.length;
    },
    clock: () => now,
    audit: { record: async () => undefined },
    notify: async () => undefined,
  });
  return { guard, writes, claims };
}

test('checklist 24: from an unknown device a second factor waits only for second-factor failures, a password for every failure', () => {
  const now = new Date('2026-03-01T10:00:00.000Z');
  const { guard } = recordingGuard(now);
  const attacked = { ...NO_FAILURES, failures: 40, lastFailureAt: now, closedAt: null };
  const user = { id: 'u1', throttle: attacked };
  const s = { storeId: 's1', username: 'kim', user };
  assert.deepEqual(guard.refusal(s, { ip: '192.0.2.1', factor: 'password' }), { kind: 'wait', seconds: 900 });
  assert.equal(guard.refusal(s, { ip: '192.0.2.1', factor: 'totp' }), undefined, 'password guesses never hold a code back');
  assert.deepEqual(guard.passwordNeedsSecondFactor(s, { ip: '192.0.2.1' }), { kind: 'wait', seconds: 900 });
  const wrongCodes = { ...attacked, afterPassword: { failures: CLOSE_AFTER, lastFailureAt: now } };
  assert.deepEqual(guard.refusal({ ...s, user: { id: 'u1', throttle: wrongCodes } }, { ip: '192.0.2.1', factor: 'recovery' }), { kind: 'closed' });
  // a known device is never asked for both: it counts on its own (B18)
  assert.equal(guard.passwordNeedsSecondFactor({ ...s, device: 'tag' }, { ip: '192.0.2.1' }), undefined);
});

test('checklist 24: both factors together: the same writes whether the factor was checked, held back or never proven', async () => {
  const now = new Date('2026-03-01T10:00:00.000Z');
  const throttle = { ...NO_FAILURES, failures: 30, lastFailureAt: now };
  const meta = { ip: '192.0.2.1', factor: 'totp' as const, attemptKey: 'uid-1' };
  const runs: Array<{ name: string; proven: boolean; state: AccountThrottleState; verdict: 'ok' | 'failed' }> = [
    { name: 'wrong password', proven: false, state: throttle, verdict: 'ok' },
    { name: 'right password, wrong code', proven: true, state: throttle, verdict: 'failed' },
    { name: 'right password, codes held back', proven: true, state: { ...throttle, afterPassword: { failures: 9, lastFailureAt: now } }, verdict: 'ok' },
  ];
  const shapes = [];
  for (const run of runs) {
    const { guard, writes, claims } = recordingGuard(now);
    let checked = false;
    const result = await guard.bothFactors({ storeId: 's1', username: 'kim', user: { id: 'u1', throttle: run.state } }, meta, run.proven, async (claim) => {
      checked = true;
      await claim([{ key: 'totp-step', expiresAt: now }]);
      return run.verdict;
    });
    assert.equal(result.kind, 'failed', run.name);
    assert.equal(checked, run.name === 'right password, wrong code', `${run.name}: checked only when proven and not held back`);
    assert.equal(writes.length, 1, `${run.name}: one write`);
    assert.equal(writes[0]!.change.failures, 31, `${run.name}: counted`);
    shapes.push({ claims: claims.length, written: Object.keys(writes[0]!.change).filter((k) => k !== 'afterPassword').sort() });
  }
  assert.deepEqual(shapes[0], shapes[1]);
  assert.deepEqual(shapes[1], shapes[2]);

  // right password and right code: signed in, the second-factor count cleared
  const { guard, writes } = recordingGuard(now);
  const ok = await guard.bothFactors({ storeId: 's1', username: 'kim', user: { id: 'u1', throttle: { ...throttle, afterPassword: { failures: 2, lastFailureAt: now } } } }, meta, true, async () => 'ok');
  assert.deepEqual(ok, { kind: 'ok' });
  assert.deepEqual(writes, [{ userId: 'u1', change: { failures: 0, lastFailureAt: null, afterPassword: { failures: 0, lastFailureAt: null } } }]);
});

test('checklist 86: a busy second is tried once more in the next one, waiting on the guard clock; busy again, it is a 1-second wait', async () => {
  let now = new Date('2026-03-01T10:00:00.400Z');
  const waits: string[] = [];
  const slots: string[] = [];
  let busy = 1;
  const guard = createThrottleGuard({
    store: { save: async () => undefined, unlock: async () => true },
    claimInOrder: async (markers) => {
      slots.push(markers[0]!.key);
      return busy-- > 0 ? 0 : markers.length;
    },
    clock: () => now,
    sleepUntil: async (at) => {
      waits.push(at.toISOString());
      now = at;
    },
    audit: { record: async () => undefined },
    notify: async () => undefined,
  });
  const s = { storeId: 's1', username: 'kim', user: { id: 'u1', throttle: NO_FAILURES } };
  const meta = { ip: '192.0.2.1', factor: 'password' as const };
  assert.deepEqual(await guard.attempt(s, meta, guard.simply(async () => true), { clearOnSuccess: true }), { kind: 'ok' });
  assert.deepEqual(waits, ['2026-03-01T10:00:01.005Z']);
  assert.deepEqual(slots.map((k) => k.split(':').at(-1)), [String(Date.parse('2026-03-01T10:00:00Z') / 1000), String(Date.parse('2026-03-01T10:00:01Z') / 1000)]);
  busy = 2;
  assert.deepEqual(await guard.attempt(s, meta, guard.simply(async () => true), { clearOnSuccess: true }), { kind: 'wait', seconds: 1 });
});
