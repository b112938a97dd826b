// The forgot-password request limit with a fixed clock and an in-memory marker set (B2, B14; checklist 25).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestLimiter } from '../../src/services/throttle/requests.js';

function limiter(limits = { perAccount: 3, perAddress: 5, windowMs: 3_600_000 }) {
  let now = Date.parse('2025-03-04T10:15:00Z');
  const markers = new Set<string>();
  const claim = async (m: { key: string }) => {
    if (markers.has(m.key)) return false;
    markers.add(m.key);
    return true;
  };
  const later = (ms: number) => {
    now += ms;
  };
  return { limits: createRequestLimiter({ claim, clock: () => new Date(now), limits, purpose: 'test' }), markers, later };
}

test('B2: three requests per account and hour, a refusal says how long to wait, the next hour opens again', async () => {
  const { limits, later } = limiter();
  for (let i = 0; i < 3; i++) assert.deepEqual(await limits.allow('s1:carl', `192.0.2.${i}`), { ok: true });
  // 45 minutes are left of the hour that started at 10:00
  assert.deepEqual(await limits.allow('s1:carl', '192.0.2.9'), { ok: false, seconds: 45 * 60 });
  assert.deepEqual(await limits.allow('s1:other', '192.0.2.9'), { ok: true }, 'another account is not affected');
  later(45 * 60_000);
  assert.deepEqual(await limits.allow('s1:carl', '192.0.2.9'), { ok: true });
});

test('checklist 25: a name that does not exist is limited exactly like one that does (the limiter never asks)', async () => {
  const { limits, markers } = limiter();
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push((await limits.allow('s1:nobody', `198.51.100.${i}`)).ok);
  assert.deepEqual(answers, [true, true, true, false]);
  assert.equal(markers.size, 3, 'one marker per allowed request, cluster-wide');
});

test('B2: one address reaches its ceiling across usernames; it does not use up their account counts', async () => {
  const { limits, markers } = limiter();
  for (let i = 0; i < 5; i++) assert.equal((await limits.allow(`s1:user-${i}`, '203.0.113.7')).ok, true);
  assert.equal((await limits.allow('s1:user-5', '203.0.113.7')).ok, false);
  assert.equal(markers.size, 5, 'the refused request claimed nothing');
  assert.equal((await limits.allow('s1:user-5', '203.0.113.8')).ok, true);
});
