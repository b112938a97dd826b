// The brute-force policy (B2, B18; checklist 21-24) and known-device tags, as pure functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFailuresAsAccount, backoffSeconds, CLOSE_AFTER, waitUntil } from '../../src/services/throttle/index.js';
import { knownDevices } from '../../src/services/throttle/known-devices.js';

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

test('waitUntil adds the delay to the last failure time', () => {
  const t = new Date('2025-01-01T00:00:00Z');
  assert.equal(waitUntil(3, t), null);
  assert.equal(waitUntil(7, t)?.toISOString(), '2025-01-01T00:00:04.000Z');
  assert.equal(waitUntil(20, t)?.toISOString(), '2025-01-01T00:15:00.000Z');
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
