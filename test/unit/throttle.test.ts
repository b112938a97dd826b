// Tests for the brute-force back-off policy (B2; checklist 21-24).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockedUntil, lockoutDelay } from '../../src/services/throttle/index.js';

test('lockoutDelay: free tries, growing back-off capped at 60 s, then a 15-minute lock', () => {
  const table: Array<[number, number]> = [
    [0, 0],
    [1, 0],
    [4, 0],
    [5, 1],
    [6, 2],
    [7, 4],
    [8, 8],
    [9, 16],
    [10, 900],
    [11, 900],
    [99, 900],
    [100, 900],
  ];
  for (const [failures, seconds] of table) assert.equal(lockoutDelay(failures), seconds, `${failures} failures`);
  for (let n = 5; n < 10; n++) assert.ok(lockoutDelay(n) <= 60, `${n} failures stays within 60 s`);
});

test('locks are temporary: no failure count gives a delay above 15 minutes (checklist 24)', () => {
  for (let n = 0; n <= 1000; n++) assert.ok(lockoutDelay(n) <= 900, `${n}`);
  assert.equal(lockoutDelay(Number.POSITIVE_INFINITY), 900);
  assert.equal(lockoutDelay(Number.NaN), 900, 'a corrupt counter fails closed but still temporary');
});

test('at most ~10 guesses per 15 minutes, well under NIST\'s 100 (checklist 21)', () => {
  let seconds = 0;
  let guesses = 0;
  for (let failures = 0; seconds < 15 * 60; failures++) {
    guesses++;
    seconds += lockoutDelay(failures + 1);
  }
  assert.ok(guesses <= 11, `${guesses} guesses`);
});

test('lockedUntil adds the delay to the last failure time', () => {
  const t = new Date('2025-01-01T00:00:00Z');
  assert.equal(lockedUntil(3, t), null);
  assert.equal(lockedUntil(7, t)?.toISOString(), '2025-01-01T00:00:04.000Z');
  assert.equal(lockedUntil(10, t)?.toISOString(), '2025-01-01T00:15:00.000Z');
});
