// Unit tests for the passwords service: argon2id hashing and NIST 800-63B new-password rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkNewPassword,
  commonPasswords,
  createPasswordHasher,
  isCommonPassword,
  MAX_VERIFY_INPUT,
} from '../../src/services/passwords/index.js';

const hasher = createPasswordHasher();

test('hash is argon2id with explicit m=19456 t=2 p=1 and a unique salt (B3; checklist 12)', async () => {
  const a = await hasher.hash('correct horse battery');
  const b = await hasher.hash('correct horse battery');
  assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.notEqual(a, b, 'two hashes of one password differ by salt');
  const salt = a.split('$')[4]!;
  assert.ok(Buffer.from(salt, 'base64').length >= 4, 'salt is at least 32 bits');
});

test('verify accepts the right password and rejects a wrong one', async () => {
  const h = await hasher.hash('tulip-garden-42');
  assert.equal(await hasher.verify(h, 'tulip-garden-42'), true);
  assert.equal(await hasher.verify(h, 'tulip-garden-43'), false);
});

test('input is NFKC-normalised before hashing (checklist 3)', async () => {
  const h = await hasher.hash('caf\u00e9-Ｐａｓｓ-\ufb01');
  assert.equal(await hasher.verify(h, 'cafe\u0301-Pass-fi'), true);
});

test('the full password is verified, no truncation at 72 bytes (checklist 7)', async () => {
  const base = 'x'.repeat(99);
  const h = await hasher.hash(`${base}a`);
  assert.equal(await hasher.verify(h, `${base}a`), true);
  assert.equal(await hasher.verify(h, `${base}b`), false);
});

test('unknown user (null/undefined hash) verifies against the dummy hash and fails (checklist 25)', async () => {
  assert.equal(await hasher.verify(null, 'anything at all'), false);
  assert.equal(await hasher.verify(undefined, 'anything at all'), false);
  assert.equal(await hasher.verify('not-a-phc-string', 'anything at all'), false);
});

test('input over 1024 code points is rejected by verify even if its prefix matches (checklist 13)', async () => {
  const max = 'a'.repeat(MAX_VERIFY_INPUT);
  const h = await hasher.hash(max);
  assert.equal(await hasher.verify(h, max), true);
  assert.equal(await hasher.verify(h, `${max}a`), false);
  await assert.rejects(hasher.hash(`${max}a`), RangeError);
});

test('needsRehash flags hashes made with other parameters', async () => {
  const cheap = createPasswordHasher({ memoryCost: 8192, timeCost: 1 });
  const old = await cheap.hash('tulip-garden-42');
  assert.equal(hasher.needsRehash(old), true);
  assert.equal(cheap.needsRehash(old), false);
  assert.equal(await hasher.verify(old, 'tulip-garden-42'), true, 'old parameters still verify');
});

test('length: 7 code points rejected, 8 accepted, counted after NFKC (checklist 1, 3)', () => {
  assert.deepEqual(checkNewPassword('tulipkx', {}), { ok: false, reason: 'too_short' });
  assert.deepEqual(checkNewPassword('tulipkx9', {}), { ok: true });
  // Seven emoji are 14 UTF-16 units but 7 code points.
  assert.deepEqual(checkNewPassword('😀🍕🚲🌵🎈🦊🧩', {}), { ok: false, reason: 'too_short' });
  assert.deepEqual(checkNewPassword('😀🍕🚲🌵🎈🦊🧩🐙', {}), { ok: true });
  // Four "ﬁ" ligatures become eight code points under NFKC.
  assert.deepEqual(checkNewPassword('\ufb01\ufb01\ufb01\ufb01', {}), { ok: true });
});

test('128 code points accepted, 129 rejected', () => {
  assert.deepEqual(checkNewPassword('q7'.repeat(64), {}), { ok: true });
  assert.deepEqual(checkNewPassword(`${'q7'.repeat(64)}z`, {}), { ok: false, reason: 'too_long' });
});

test('64 characters with spaces, symbols and emoji are accepted; no composition rules (checklist 2, 4)', () => {
  const pw = 'my dog 🐕 eats "toast" & jam @ 7:30 on sundays ~ {yes} [really]!!';
  assert.equal([...pw].length, 64);
  assert.deepEqual(checkNewPassword(pw, {}), { ok: true });
  assert.deepEqual(checkNewPassword('allsmalllettersnodigits', {}), { ok: true });
});

test('common passwords are rejected case-insensitively (checklist 8, 9)', () => {
  assert.ok(commonPasswords().size >= 3000, 'at least the top 3,000 ship with the service');
  for (const pw of ['password', '12345678', 'PASSWORD1', 'Baseball1', 'iloveyou']) {
    assert.deepEqual(checkNewPassword(pw, {}), { ok: false, reason: 'common' }, pw);
  }
  assert.equal(isCommonPassword('Qwerty123'), true);
  assert.equal(isCommonPassword('tulip-garden-42'), false);
});

test('context words: whole-string, case-insensitive match of username, store and service (checklist 8)', () => {
  const ctx = { username: 'alice.smith', storePrefix: 'mystore123', serviceName: 'ExamplePOS' };
  assert.deepEqual(checkNewPassword('Alice.Smith', ctx), { ok: false, reason: 'context' });
  assert.deepEqual(checkNewPassword('MYSTORE123', ctx), { ok: false, reason: 'context' });
  assert.deepEqual(checkNewPassword('examplepos', ctx), { ok: false, reason: 'context' });
  assert.deepEqual(checkNewPassword('alice.smith-tulips', ctx), { ok: true }, 'only whole-string matches');
});
