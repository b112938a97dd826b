// Unit tests for the secret box (AES-256-GCM, key ids, rotation) and keyring parsing (B3; checklist 34).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox, parseKeyring } from '../../src/services/secrets/index.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const SEALED = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

test('encrypt/decrypt round trip in the v1.<kid>.<iv>.<tag>.<ct> format', () => {
  const box = createSecretBox({ current: 'k1', keys: { k1 } });
  const sealed = box.encrypt('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  const m = SEALED.exec(sealed);
  assert.ok(m, sealed);
  assert.equal(m[1], 'k1');
  assert.equal(Buffer.from(m[2]!, 'base64url').length, 12, '96-bit IV');
  assert.equal(Buffer.from(m[3]!, 'base64url').length, 16, '128-bit tag');
  assert.ok(!sealed.includes('JBSWY3DP'), 'plaintext not visible');
  assert.equal(box.decrypt(sealed), 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
});

test('each encryption uses a fresh random IV', () => {
  const box = createSecretBox({ current: 'k1', keys: { k1 } });
  const a = box.encrypt('same').split('.');
  const b = box.encrypt('same').split('.');
  assert.notEqual(a[2], b[2]);
  assert.notEqual(a[4], b[4]);
});

test('tampering with ciphertext, tag or key id fails authentication', () => {
  const box = createSecretBox({ current: 'k1', keys: { k1, k2 } });
  const parts = box.encrypt('secret seed').split('.');
  const flip = (s: string) => {
    const buf = Buffer.from(s, 'base64url');
    buf[0]! ^= 1;
    return buf.toString('base64url');
  };
  assert.throws(() => box.decrypt([parts[0], parts[1], parts[2], parts[3], flip(parts[4]!)].join('.')), /authentication failed/);
  assert.throws(() => box.decrypt([parts[0], parts[1], parts[2], flip(parts[3]!), parts[4]].join('.')), /authentication failed/);
  assert.throws(() => box.decrypt([parts[0], 'k2', parts[2], parts[3], parts[4]].join('.')), /authentication failed/);
  assert.throws(() => box.decrypt('v1.k1.short'), /not a v1 sealed value/);
});

test('optional context is bound as AAD: a value moved to another record does not decrypt', () => {
  const box = createSecretBox({ current: 'k1', keys: { k1 } });
  const sealed = box.encrypt('seed', 'user-1');
  assert.equal(box.decrypt(sealed, 'user-1'), 'seed');
  assert.throws(() => box.decrypt(sealed, 'user-2'), /authentication failed/);
  assert.throws(() => box.decrypt(sealed), /authentication failed/);
});

test('rotation: old keys still decrypt, needsRotation flags them, reseal moves to the current key', () => {
  const before = createSecretBox({ current: 'k1', keys: { k1 } });
  const old = before.encrypt('seed-under-k1');
  const after = createSecretBox({ current: 'k2', keys: { k2, k1 } });
  assert.equal(after.decrypt(old), 'seed-under-k1');
  assert.equal(after.needsRotation(old), true);
  const fresh = after.reseal(old);
  assert.equal(fresh.split('.')[1], 'k2');
  assert.equal(after.needsRotation(fresh), false);
  assert.equal(after.decrypt(fresh), 'seed-under-k1');
  const retired = createSecretBox({ current: 'k2', keys: { k2 } });
  assert.throws(() => retired.decrypt(old), /unknown key id "k1"/);
});

test('createSecretBox rejects a current key id missing from the keyring and short keys', () => {
  assert.throws(() => createSecretBox({ current: 'k9', keys: { k1 } }), /current key id "k9"/);
  assert.throws(() => createSecretBox({ current: 'k1', keys: { k1: randomBytes(16) } }), /32 bytes/);
});

test('parseKeyring: first entry is current, keys decode from base64 or base64url', () => {
  const ring = parseKeyring(`2025b:${k2.toString('base64url')}, 2024a:${k1.toString('base64')}`);
  assert.equal(ring.current, '2025b');
  assert.deepEqual(Object.keys(ring.keys), ['2025b', '2024a']);
  assert.ok(ring.keys['2024a']!.equals(k1));
  assert.ok(ring.keys['2025b']!.equals(k2));
  const box = createSecretBox(ring);
  assert.equal(box.decrypt(box.encrypt('x')), 'x');
});

test('parseKeyring gives clear errors', () => {
  assert.throws(() => parseKeyring(''), /no keys given/);
  assert.throws(() => parseKeyring(k1.toString('base64')), /without "kid:" prefix/);
  assert.throws(() => parseKeyring(`a:${randomBytes(16).toString('base64')}`), /key "a" is 16 bytes, AES-256 needs exactly 32/);
  assert.throws(() => parseKeyring(`a:${k1.toString('base64')},a:${k2.toString('base64')}`), /appears twice/);
  assert.throws(() => parseKeyring(`a.b:${k1.toString('base64')}`), /key id "a.b"/);
  assert.throws(() => parseKeyring('a:not base64!'), /not base64/);
});
