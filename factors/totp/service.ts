// The authenticator-app factor's domain: a pending secret until a code confirms it, then a "totp" credential; codes
// verified replay-proof (B1), secrets sealed per user and resealed under the current key on use (B3).
import { createHash } from 'node:crypto';
import { stepMarker, type ClaimWithSlot, type Totp, type TotpVerdict, type TotpVerifier } from '../../src/services/totp/index.js';
import type { Marker } from '../../src/services/throttle/guard.js';
import type { SecretBox } from '../../src/services/secrets/index.js';
import type { Actor, MfaService } from '../../src/services/mfa/index.js';
import type { BindingGrant } from '../../src/services/binding/index.js';
import { credentialsOfType, newCredentialKey } from '../../src/services/mfa/credentials.js';

export interface TotpFactorDeps {
  totp: Totp;
  verifier: TotpVerifier;
  box: SecretBox;
  mfa: Pick<MfaService, 'load' | 'enrol' | 'updateCredential'>;
  // true exactly once per key (a unique marker insert)
  once(key: string): Promise<boolean>;
  // consume-once markers in order, stopping at the first one taken; how many were claimed
  claimInOrder(markers: Marker[]): Promise<number>;
  clock: () => Date;
}

const secretOf = (data: Record<string, unknown>) => (typeof data.secretSealed === 'string' ? data.secretSealed : undefined);

export function createTotpFactor(deps: TotpFactorDeps) {
  const { totp, box } = deps;
  const context = (userId: string) => `totp:${userId}`;

  return {
    // A pending secret lives only in the server-side flow state, sealed, until a valid code confirms it (checklist 38).
    newPendingSecret(): string {
      return box.encrypt(totp.generateSecret(), 'pending');
    },

    async describePending(pendingSealed: string, storePrefix: string, username: string) {
      const secret = box.decrypt(pendingSealed, 'pending');
      const uri = totp.keyUri(secret, `${storePrefix}:${username}`);
      return { qrSvg: await totp.qrSvg(uri), secretGrouped: totp.groupSecret(secret), otpauthUri: uri };
    },

    // Confirms a pending secret with a code: the new app replaces any old one, so the old entry stops working (S12),
    // and comes with new recovery codes. `grant` is the binding rule's permission (src/services/binding).
    async confirmEnrolment(userId: string, pendingSealed: string, code: string, actor: Actor, grant: BindingGrant): Promise<{ ok: true; codes: string[] } | { ok: false }> {
      const secret = box.decrypt(pendingSealed, 'pending');
      const step = totp.matchStep(secret, code);
      if (step === null) return { ok: false };
      if (!(await deps.once(`enrol:${createHash('sha256').update(pendingSealed).digest('hex')}`))) return { ok: false };
      const before = await deps.mfa.load(userId);
      if (!before) return { ok: false };
      // the code that confirms the app is used: it (and older steps) cannot sign in again (checklist 30, 31)
      await deps.claimInOrder([step, step - 1, step - 2].map((s) => stepMarker(userId, s)));
      const credential = { key: newCredentialKey(), type: 'totp' as const, name: null, createdAt: deps.clock(), lastUsedAt: null, data: { secretSealed: box.encrypt(secret, context(userId)) } };
      const { codes } = await deps.mfa.enrol(userId, credential, {
        actor,
        grant,
        replaces: credentialsOfType(before.credentials, 'totp').map((c) => c.key),
        newCodes: true,
        noticeWhenOn: 'mfa_reset',
      });
      if (!codes) throw new Error('totp: an enrolment always comes with recovery codes');
      return { ok: true, codes };
    },

    // `claim` claims the attempt's throttle slot and this code's step in one command (src/services/throttle/guard.ts)
    async verifyCode(userId: string, code: string, claim: ClaimWithSlot): Promise<TotpVerdict> {
      const mfa = await deps.mfa.load(userId);
      const credential = mfa?.enabled ? credentialsOfType(mfa.credentials, 'totp')[0] : undefined;
      const sealed = credential && secretOf(credential.data);
      if (!credential || !sealed) return (await claim()) === 0 ? 'busy' : 'invalid';
      const verdict = await deps.verifier.verify(userId, box.decrypt(sealed, context(userId)), code, claim);
      // key rotation (B3): a secret sealed under an older key moves to the current key on its next use
      if (verdict === 'ok' && box.needsRotation(sealed)) {
        await deps.mfa.updateCredential(userId, credential.key, { data: { secretSealed: box.reseal(sealed, context(userId)) } }, { secretSealed: sealed });
      }
      return verdict;
    },
  };
}

export type TotpFactorService = ReturnType<typeof createTotpFactor>;
