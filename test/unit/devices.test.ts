// Unit tests for remembered-device tokens (S8, B10; checklist 47).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createDeviceTokens } from '../../src/services/devices/index.js';

const now = new Date('2025-03-01T12:00:00Z');

test('issue: 256-bit base64url token, SHA-256 hash, expiry after the configured days (checklist 47)', () => {
  const devices = createDeviceTokens({ clock: () => now, days: 30 });
  const { token, hash, expiresAt } = devices.issue();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.equal(hash, createHash('sha256').update(token).digest('hex'));
  assert.equal(devices.hash(token), hash);
  assert.equal(expiresAt.toISOString(), '2025-03-31T12:00:00.000Z');
});

test('tokens differ on every issue and the hash differs from the token', () => {
  const devices = createDeviceTokens({ clock: () => now, days: 30 });
  const a = devices.issue();
  const b = devices.issue();
  assert.notEqual(a.token, b.token);
  assert.notEqual(a.hash, b.hash);
  assert.ok(!a.hash.includes(a.token));
});

test('random source is injectable and isWellFormed checks the cookie shape', () => {
  const devices = createDeviceTokens({ clock: () => now, days: 1, randomBytes: (n) => Buffer.alloc(n, 7) });
  const { token, expiresAt } = devices.issue();
  assert.equal(token, Buffer.alloc(32, 7).toString('base64url'));
  assert.equal(expiresAt.getTime() - now.getTime(), 86_400_000);
  assert.equal(devices.isWellFormed(token), true);
  assert.equal(devices.isWellFormed(`${token}A`), false);
  assert.equal(devices.isWellFormed('{"$ne":null}'), false);
  assert.throws(() => createDeviceTokens({ clock: () => now, days: 0 }), /positive/);
});
