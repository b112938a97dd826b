// Unit tests for TOTP: RFC 6238/4226 vectors, skew window, replay protection, 6-digit codes, provisioning URI (S3, S14, B1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSync, stringToBytes } from 'otplib';
import { createTotp, createTotpVerifier, type ClaimWithSlot } from '../../src/services/totp/index.js';

const RFC_SECRET_ASCII = '12345678901234567890';
// Base32 of the ASCII secret above, as an authenticator app would hold it.
const RFC_SECRET_B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const T = 1_700_000_010; // the first second of step 56666667
const at = (s: number) => new Date(s * 1000);

function totpAt(seconds: number) {
  return createTotp({ clock: () => at(seconds), issuer: 'Example POS' });
}

test('RFC 6238 Appendix B SHA-1 vectors, 8 digits, via otplib (checklist 28)', () => {
  const vectors: Array<[number, string]> = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [epoch, expected] of vectors) {
    const code = generateSync({ secret: stringToBytes(RFC_SECRET_ASCII), digits: 8, algorithm: 'sha1', period: 30, epoch });
    assert.equal(code, expected, `t=${epoch}`);
  }
});

test('T is 64-bit: t=20000000000 is step 0x27BC86AA (checklist 29)', () => {
  assert.equal(totpAt(20000000000).matchStep(RFC_SECRET_B32, '353130'), 0x27bc86aa);
  assert.equal(totpAt(1111111109).matchStep(RFC_SECRET_B32, '081804'), 0x023523ec);
});

test('6-digit codes of the service reproduce RFC 4226 Appendix D (counter = t/30)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  const totp = totpAt(0);
  expected.forEach((code, counter) => {
    assert.equal(totp.currentCode(RFC_SECRET_B32, at(counter * 30)), code, `counter ${counter}`);
  });
});

test('generateSecret: 160-bit base32 seeds, different each time (checklist 27)', () => {
  const totp = totpAt(T);
  const a = totp.generateSecret();
  const b = totp.generateSecret();
  assert.match(a, /^[A-Z2-7]{32}$/, '20 bytes = 32 base32 characters, no padding');
  assert.notEqual(a, b);
  assert.match(totp.currentCode(a), /^\d{6}$/);
});

test('matchStep accepts the current step and one step each way, rejects two steps (S14; checklist 32)', () => {
  const secret = totpAt(T).generateSecret();
  const step = Math.floor(T / 30);
  for (const offset of [0, 15, 29]) {
    const now = T + offset;
    const totp = totpAt(now);
    assert.equal(totp.matchStep(secret, totp.currentCode(secret, at(now))), step, `current, +${offset}s`);
    assert.equal(totp.matchStep(secret, totp.currentCode(secret, at(now - 30))), step - 1, `-30s, +${offset}s`);
    assert.equal(totp.matchStep(secret, totp.currentCode(secret, at(now + 30))), step + 1, `+30s, +${offset}s`);
    assert.equal(totp.matchStep(secret, totp.currentCode(secret, at(now - 60))), null, `-60s, +${offset}s`);
    assert.equal(totp.matchStep(secret, totp.currentCode(secret, at(now + 60))), null, `+60s, +${offset}s`);
  }
});

test('matchStep takes exactly 6 digits after stripping spaces (S3)', () => {
  const totp = totpAt(T);
  const secret = totp.generateSecret();
  const code = totp.currentCode(secret);
  assert.equal(totp.matchStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`), Math.floor(T / 30));
  assert.equal(totp.matchStep(secret, ` ${code} `), Math.floor(T / 30));
  assert.equal(totp.matchStep(secret, `${code}0`), null, '7 digits');
  assert.equal(totp.matchStep(secret, code.slice(0, 5)), null, '5 digits');
  assert.equal(totp.matchStep(secret, `${code.slice(0, 5)}x`), null, 'non-digit');
  assert.equal(totp.matchStep(secret, `-${code.slice(1)}`), null, 'sign');
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const others = [-60, -30, 0, 30, 60].map((d) => totp.currentCode(secret, at(T + d)));
  if (!others.includes(wrong)) assert.equal(totp.matchStep(secret, wrong), null, 'wrong code');
});

// Consume-once markers in memory, as the database's unique index keeps them: a fresh throttle slot per attempt.
class MemoryMarkers {
  readonly taken = new Set<string>();
  private slots = 0;
  claim(): ClaimWithSlot {
    const slot = { key: `slot:${this.slots++}`, expiresAt: new Date(0) };
    return async (markers = []) => {
      let claimed = 0;
      for (const m of [slot, ...markers]) {
        if (this.taken.has(m.key)) break;
        this.taken.add(m.key);
        claimed++;
      }
      return claimed;
    };
  }
  steps = (userId: string) => [...this.taken].filter((k) => k.startsWith(`totp:${userId}:`)).map((k) => Number(k.split(':')[2]));
}

test('verifier: a code is accepted once; reuse is "replayed" (B1; checklist 30)', async () => {
  const totp = totpAt(T);
  const markers = new MemoryMarkers();
  const verifier = createTotpVerifier({ totp });
  const secret = totp.generateSecret();
  const code = totp.currentCode(secret);
  assert.equal(await verifier.verify('u1', secret, code, markers.claim()), 'ok');
  assert.equal(await verifier.verify('u1', secret, code, markers.claim()), 'replayed');
  assert.ok(markers.steps('u1').includes(Math.floor(T / 30)));
});

test('verifier: concurrent duplicates give exactly one "ok" (checklist 30)', async () => {
  const totp = totpAt(T);
  const markers = new MemoryMarkers();
  const verifier = createTotpVerifier({ totp });
  const secret = totp.generateSecret();
  const code = totp.currentCode(secret);
  const results = await Promise.all([1, 2, 3].map(() => verifier.verify('u1', secret, code, markers.claim())));
  assert.deepEqual(results.sort(), ['ok', 'replayed', 'replayed']);
});

test('verifier: after step s is accepted, codes of steps s-1 and s-2 are "replayed" (checklist 31)', async () => {
  const totp = totpAt(T);
  const markers = new MemoryMarkers();
  const verifier = createTotpVerifier({ totp });
  const secret = totp.generateSecret();
  // the next step's code (one step of skew) is accepted first
  assert.equal(await verifier.verify('u1', secret, totp.currentCode(secret, at(T + 30)), markers.claim()), 'ok');
  assert.equal(await verifier.verify('u1', secret, totp.currentCode(secret, at(T)), markers.claim()), 'replayed');
  assert.equal(await verifier.verify('u1', secret, totp.currentCode(secret, at(T - 30)), markers.claim()), 'replayed');
  assert.equal(await verifier.verify('u2', secret, totp.currentCode(secret, at(T - 30)), markers.claim()), 'ok', 'per user');
});

test('verifier: a wrong code is "invalid" and claims no step; a slot already taken is "busy"', async () => {
  const totp = totpAt(T);
  const markers = new MemoryMarkers();
  const verifier = createTotpVerifier({ totp });
  const secret = totp.generateSecret();
  assert.equal(await verifier.verify('u1', secret, '12345', markers.claim()), 'invalid');
  assert.equal(await verifier.verify('u1', secret, totp.currentCode(secret, at(T - 90)), markers.claim()), 'invalid');
  assert.deepEqual(markers.steps('u1'), []);
  const slot = markers.claim();
  await slot();
  assert.equal(await verifier.verify('u1', secret, totp.currentCode(secret), slot), 'busy');
  assert.deepEqual(markers.steps('u1'), [], 'a busy attempt claims no step either');
});

test('keyUri follows Key-Uri-Format with explicit SHA1/6/30 (checklist 36, 37)', () => {
  const totp = totpAt(T);
  const uri = totp.keyUri(RFC_SECRET_B32, 'alice@mystore');
  assert.equal(
    uri,
    `otpauth://totp/Example%20POS:alice%40mystore?secret=${RFC_SECRET_B32}&issuer=Example%20POS&algorithm=SHA1&digits=6&period=30`,
  );
  const parsed = new URL(uri);
  assert.equal(parsed.protocol, 'otpauth:');
  assert.equal(parsed.host, 'totp');
  assert.equal(decodeURIComponent(parsed.pathname.slice(1)).split(':')[0], parsed.searchParams.get('issuer'));
  assert.ok(!uri.includes('='.repeat(2)) && !/secret=[^&]*=/.test(uri), 'no base32 padding');
});

test('keyUri percent-encodes a colon in the account name; an issuer with ":" is refused', () => {
  const uri = totpAt(T).keyUri(RFC_SECRET_B32, 'shop:bob');
  assert.ok(uri.startsWith('otpauth://totp/Example%20POS:shop%3Abob?'), uri);
  assert.throws(() => createTotp({ clock: () => at(T), issuer: 'Bad:Issuer' }), /issuer/);
});

test('qrSvg renders the URI as an SVG QR code', async () => {
  const totp = totpAt(T);
  const svg = await totp.qrSvg(totp.keyUri(RFC_SECRET_B32, 'alice'));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<path/);
});

test('groupSecret shows the secret in groups of four', () => {
  assert.equal(totpAt(T).groupSecret(RFC_SECRET_B32), 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
  assert.equal(totpAt(T).groupSecret('ABCDEF'), 'ABCD EF');
});
