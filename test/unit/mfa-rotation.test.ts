// Unit test: a TOTP secret sealed under an old key still verifies and is moved to the current key on use (B3; checklist 34).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMfaService, type MfaUserPort } from '../../src/services/mfa/index.js';
import { createTotp, createTotpVerifier } from '../../src/services/totp/index.js';
import { createSecretBox, parseKeyring } from '../../src/services/secrets/index.js';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';

const T = 1_700_000_010;
const clock = () => new Date(T * 1000);
const key = () => randomBytes(32).toString('base64');

test('rotation: old key decrypts, the next accepted code reseals under the current key', async () => {
  const k1 = key();
  const oldBox = createSecretBox(parseKeyring(`k1:${k1}`));
  const newBox = createSecretBox(parseKeyring(`k2:${key()},k1:${k1}`));
  const totp = createTotp({ clock, issuer: 'Example POS' });
  const secret = totp.generateSecret();
  let stored = oldBox.encrypt(secret, 'totp:u1');
  const users: MfaUserPort = {
    mfaOf: async () => ({ storeId: 's1', enabled: true, secretSealed: stored, mustEnrol: false }),
    activate: async () => undefined,
    deactivate: async () => undefined,
    setMustEnrol: async () => undefined,
    resealSecret: async (_id, from, to) => {
      if (stored === from) stored = to;
    },
  };
  const claimed = new Set<string>();
  const claimInOrder = async (markers: Array<{ key: string }>) => {
    let n = 0;
    for (const m of markers) {
      if (claimed.has(m.key)) break;
      claimed.add(m.key);
      n++;
    }
    return n;
  };
  let attempts = 0;
  const claim = () => (markers: Array<{ key: string; expiresAt: Date }> = []) => claimInOrder([{ key: `slot:${attempts++}` }, ...markers]);
  const mfa = createMfaService({
    totp,
    verifier: createTotpVerifier({ totp }),
    box: newBox,
    recovery: createRecoveryCodes({ pepper: randomBytes(32) }),
    users,
    codes: { replace: async () => undefined, consume: async () => false, remaining: async () => 0, clear: async () => undefined },
    revokeDevices: async () => undefined,
    once: async () => true,
    claimInOrder,
    audit: { record: async () => undefined },
    notify: async () => undefined,
    clock,
  });

  assert.equal(await mfa.verifyCode('u1', '000000', claim()), 'invalid');
  assert.ok(stored.startsWith('v1.k1.'), 'a failed code changes nothing');
  assert.equal(await mfa.verifyCode('u1', totp.currentCode(secret), claim()), 'ok');
  assert.ok(stored.startsWith('v1.k2.'), 'resealed under the current key');
  assert.equal(newBox.decrypt(stored, 'totp:u1'), secret);
});
