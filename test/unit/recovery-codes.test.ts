// Unit tests for recovery codes: 12 codes of 65 bits, display format, normalisation, peppered hashes (S10; checklist 40, 41).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';

const pepper = randomBytes(32);
const DISPLAY = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{5}$/;

test('generate gives 12 distinct codes shown as xxxx-xxxx-xxxxx, with matching hashes (checklist 40)', () => {
  const rc = createRecoveryCodes({ pepper });
  const { codes, hashes } = rc.generate();
  assert.equal(codes.length, 12);
  assert.equal(hashes.length, 12);
  assert.equal(new Set(codes).size, 12);
  for (const [i, code] of codes.entries()) {
    assert.match(code, DISPLAY);
    assert.equal(rc.hash(code), hashes[i]);
    assert.match(hashes[i]!, /^[0-9a-f]{64}$/);
    assert.ok(!hashes[i]!.includes(rc.normalize(code)), 'hash does not contain the code');
  }
});

test('each code carries 65 random bits: 13 base32 characters from the top of 9 random bytes', () => {
  const ones = createRecoveryCodes({ pepper, randomBytes: (n) => Buffer.alloc(n, 0xff) });
  const zeros = createRecoveryCodes({ pepper, randomBytes: (n) => Buffer.alloc(n, 0x00) });
  const fixed = [
    Buffer.alloc(9, 0xff), // all 65 kept bits set
    Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0]), // only the top bit
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0x7f]), // only the 7 discarded low bits
  ];
  let calls = 0;
  const scripted = createRecoveryCodes({
    pepper,
    randomBytes: (n) => {
      assert.equal(n, 9);
      const next = fixed[calls] ?? Buffer.from([0, calls, 0, 0, 0, 0, 0, 0, 0]);
      calls++;
      return next;
    },
  });
  assert.throws(() => ones.generate(), /repeats itself/, 'a constant random source is refused');
  assert.throws(() => zeros.generate(), /repeats itself/);
  const { codes } = scripted.generate();
  assert.equal(calls, 12);
  assert.equal(codes[0], 'zzzz-zzzz-zzzzz');
  assert.equal(codes[1], 'g000-0000-00000');
  assert.equal(codes[2], '0000-0000-00000');
});

test('normalize strips spaces and dashes, lowercases, and maps Crockford look-alikes', () => {
  const rc = createRecoveryCodes({ pepper });
  assert.equal(rc.normalize(' ABCD-EFGH-JKMNP '), 'abcdefghjkmnp');
  assert.equal(rc.normalize('O0Il-1111-11111'), '0011111111111');
  const { codes, hashes } = rc.generate();
  const typed = codes[3]!.toUpperCase().replace(/-/g, ' ');
  assert.equal(rc.hash(typed), hashes[3]);
});

test('isWellFormed accepts only 13 Crockford characters', () => {
  const rc = createRecoveryCodes({ pepper });
  const { codes } = rc.generate();
  assert.equal(rc.isWellFormed(codes[0]!), true);
  assert.equal(rc.isWellFormed('abcd-efgh-jkmn'), false, '12 characters');
  assert.equal(rc.isWellFormed('abcd-efgh-jkmnpq'), false, '14 characters');
  assert.equal(rc.isWellFormed('abcd-efgh-jkmnu'), false, 'u is not Crockford');
  assert.equal(rc.isWellFormed('123456'), false, 'a TOTP code is not a recovery code');
});

test('hash is HMAC-SHA-256 keyed with the pepper, optionally bound to the user (checklist 41)', () => {
  const rc = createRecoveryCodes({ pepper });
  const code = 'abcd-efgh-jkmnp';
  assert.equal(rc.hash(code), createHmac('sha256', pepper).update('abcdefghjkmnp').digest('hex'));
  assert.notEqual(createRecoveryCodes({ pepper: randomBytes(32) }).hash(code), rc.hash(code), 'pepper matters');
  assert.notEqual(rc.hash(code, 'user-1'), rc.hash(code), 'user binding matters');
  assert.notEqual(rc.hash(code, 'user-1'), rc.hash(code, 'user-2'));
  const { codes, hashes } = rc.generate('user-1');
  assert.equal(rc.hash(codes[0]!, 'user-1'), hashes[0]);
  assert.notEqual(rc.hash(codes[0]!), hashes[0]);
});

test('a short pepper is refused', () => {
  assert.throws(() => createRecoveryCodes({ pepper: Buffer.alloc(8) }), /at least 16 bytes/);
});
