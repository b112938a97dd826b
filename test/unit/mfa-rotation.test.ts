// Unit tests of the MFA service on in-memory ports: key rotation (B3; checklist 34), and an enrolment that is all or
// nothing when the process dies at any write (issue 10: never MFA on without codes, email and audit event).
import { unitGrant } from '../helpers/grant.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMfaService } from '../../src/services/mfa/index.js';
import { createTotpFactor } from '../../factors/totp/service.js';
import { createTotp, createTotpVerifier } from '../../src/services/totp/index.js';
import { createSecretBox, parseKeyring, type SecretBox } from '../../src/services/secrets/index.js';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';
import { Crash, MemoryMfa } from '../helpers/memory-mfa.js';

const T = 1_700_000_010;
const key = () => randomBytes(32).toString('base64');
const pepper = randomBytes(32);

function serviceOn(mem: MemoryMfa, box: SecretBox, clock: () => Date) {
  const totp = createTotp({ clock, issuer: 'Example POS' });
  let attempts = 0;
  const claim = () => (markers: Array<{ key: string; expiresAt: Date }> = []) => mem.claimInOrder([{ key: `slot:${attempts++}`, expiresAt: new Date(0) }, ...markers]);
  const mfa = createMfaService({
    box,
    recovery: createRecoveryCodes({ pepper }),
    users: mem.users,
    codes: mem.recovery,
    revokeDevices: mem.revokeDevices,
    audit: mem.audit,
    notify: mem.notify,
    clock,
  });
  const app = createTotpFactor({ totp, verifier: createTotpVerifier({ totp }), box, mfa, once: mem.once, claimInOrder: mem.claimInOrder, clock });
  return { mfa, app, totp, claim };
}

const sealedSecret = (mem: MemoryMfa) => String(mem.state.credentials.find((c) => c.type === 'totp')?.data.secretSealed ?? '');

test('rotation: old key decrypts, the next accepted code reseals under the current key', async () => {
  const k1 = key();
  const oldBox = createSecretBox(parseKeyring(`k1:${k1}`));
  const newBox = createSecretBox(parseKeyring(`k2:${key()},k1:${k1}`));
  const mem = new MemoryMfa();
  const { app, totp, claim } = serviceOn(mem, newBox, () => new Date(T * 1000));
  const secret = totp.generateSecret();
  const credential = { key: 'c1', type: 'totp' as const, name: null, createdAt: new Date(0), lastUsedAt: null, data: { secretSealed: oldBox.encrypt(secret, 'totp:u1') } };
  Object.assign(mem.state, { enabled: true, codesBatch: 'b0', credentials: [credential] });

  assert.equal(await app.verifyCode('u1', '000000', claim()), 'invalid');
  assert.ok(sealedSecret(mem).startsWith('v1.k1.'), 'a failed code changes nothing');
  assert.equal(await app.verifyCode('u1', totp.currentCode(secret), claim()), 'ok');
  assert.ok(sealedSecret(mem).startsWith('v1.k2.'), 'resealed under the current key');
  assert.equal(newBox.decrypt(sealedSecret(mem), 'totp:u1'), secret);
});

test('issue 10: an enrolment killed at any write never leaves MFA on without its 12 codes, its email and its audit event', async () => {
  const box = createSecretBox(parseKeyring(`k1:${key()}`));
  // a run without a crash counts the writes an enrolment makes
  const clean = new MemoryMfa();
  const first = serviceOn(clean, box, () => new Date(T * 1000));
  const pending = first.app.newPendingSecret();
  const secretOf = () => new URL((first.totp.keyUri(box.decrypt(pending, 'pending'), 'x:y'))).searchParams.get('secret') ?? '';
  assert.ok((await first.app.confirmEnrolment('u1', pending, first.totp.currentCode(secretOf()), { actorId: 'u1' }, unitGrant('u1'))).ok);
  const writes = clean.writes;
  assert.ok(writes >= 6);

  for (let crashAt = 1; crashAt <= writes; crashAt++) {
    const mem = new MemoryMfa(crashAt);
    let now = T * 1000;
    const run = serviceOn(mem, box, () => new Date(now));
    const p = run.app.newPendingSecret();
    const code = run.totp.currentCode(new URL(run.totp.keyUri(box.decrypt(p, 'pending'), 'x:y')).searchParams.get('secret') ?? '');
    await assert.rejects(run.app.confirmEnrolment('u1', p, code, { actorId: 'u1' }, unitGrant('u1')), Crash, `write ${crashAt}`);
    // the process restarts; a minute later the user's MFA is loaded again
    mem.crashAt = undefined;
    now += 120_000;
    await serviceOn(mem, box, () => new Date(now)).mfa.remainingCodes('u1');
    const label = `killed at write ${crashAt} of ${writes}`;
    if (!mem.state.enabled) {
      assert.deepEqual([mem.audits, mem.mails], [[], []], `${label}: nothing happened, nothing was announced`);
      continue;
    }
    assert.equal(mem.codes.filter((c) => c.batch === mem.state.codesBatch).length, 12, `${label}: the codes that count`);
    assert.equal(mem.state.credentials.filter((c) => c.type === 'totp').length, 1, `${label}: exactly one authenticator app`);
    assert.equal(mem.codes.length, 12, `${label}: no other batch left`);
    assert.deepEqual(mem.audits, ['mfa.enabled'], `${label}: audited once`);
    assert.deepEqual(mem.mails, ['mfa_enabled'], `${label}: emailed once`);
    assert.equal(mem.state.pendingNotice, null, `${label}: nothing left pending`);
  }
});
