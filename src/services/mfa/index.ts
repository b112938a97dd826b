// MFA lifecycle: enrol (pending secret -> confirmed by a code), verify, recovery codes, reset and removal (S6-S13, B1, B3, B11).
import { createHash } from 'node:crypto';
import { stepMarker, type ClaimWithSlot, type Totp, type TotpVerdict, type TotpVerifier } from '../totp/index.js';
import type { Marker } from '../throttle/guard.js';
import type { SecretBox } from '../secrets/index.js';
import type { RecoveryCodes } from '../recovery-codes/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

export interface MfaUserPort {
  mfaOf(userId: string): Promise<{ storeId: string; enabled: boolean; secretSealed: string | null; mustEnrol: boolean } | undefined>;
  activate(userId: string, secretSealed: string, at: Date): Promise<void>;
  deactivate(userId: string, opts: { mustEnrol: boolean }): Promise<void>;
  setMustEnrol(userId: string, mustEnrol: boolean): Promise<void>;
  // replaces the stored sealed secret only if it is still the one that was read
  resealSecret(userId: string, from: string, to: string): Promise<void>;
}

export interface RecoveryCodePort {
  replace(userId: string, hashes: string[]): Promise<void>;
  consume(userId: string, hash: string): Promise<boolean>;
  remaining(userId: string): Promise<number>;
  clear(userId: string): Promise<void>;
}

export interface MfaServiceDeps {
  totp: Totp;
  verifier: TotpVerifier;
  box: SecretBox;
  recovery: RecoveryCodes;
  users: MfaUserPort;
  codes: RecoveryCodePort;
  revokeDevices(userId: string): Promise<void>;
  // true exactly once per key (a unique marker insert)
  once(key: string): Promise<boolean>;
  // consume-once markers in order, stopping at the first one taken; how many were claimed
  claimInOrder(markers: Marker[]): Promise<number>;
  audit: AuditRecorder;
  notify: Notifier;
  clock: () => Date;
}

export interface Actor {
  actorId: string;
  ip?: string;
}

export const LOW_RECOVERY_CODES = 3;

export function createMfaService(deps: MfaServiceDeps) {
  const { totp, box } = deps;
  const secretOf = (userId: string, sealed: string) => box.decrypt(sealed, `totp:${userId}`);

  async function issueCodes(userId: string): Promise<string[]> {
    const { codes, hashes } = deps.recovery.generate(userId);
    await deps.codes.replace(userId, hashes);
    return codes;
  }

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

    sealCodes: (codes: string[]) => box.encrypt(codes.join(' '), 'codes'),
    unsealCodes: (sealed: string) => box.decrypt(sealed, 'codes').split(' '),

    // Confirms a pending secret with a code: the new secret replaces any old one, so the old app entry stops working (S12).
    async confirmEnrolment(userId: string, pendingSealed: string, code: string, actor: Actor): Promise<{ ok: true; codes: string[] } | { ok: false }> {
      const secret = box.decrypt(pendingSealed, 'pending');
      const step = totp.matchStep(secret, code);
      if (step === null) return { ok: false };
      if (!(await deps.once(`enrol:${createHash('sha256').update(pendingSealed).digest('hex')}`))) return { ok: false };
      const before = await deps.users.mfaOf(userId);
      await deps.users.activate(userId, box.encrypt(secret, `totp:${userId}`), deps.clock());
      // the code that confirmed the app is used: it (and older steps) cannot sign in again (checklist 30, 31)
      await deps.claimInOrder([step, step - 1, step - 2].map((s) => stepMarker(userId, s)));
      const codes = await issueCodes(userId);
      const wasActive = Boolean(before?.enabled || before?.mustEnrol);
      // a reset ends remembered devices (checklist 53)
      if (wasActive) await deps.revokeDevices(userId);
      const type = wasActive ? 'mfa.reset' : 'mfa.enabled';
      await deps.audit.record({ type, userId, storeId: before?.storeId, actorId: actor.actorId, ip: actor.ip });
      await deps.notify({ type: wasActive ? 'mfa_reset' : 'mfa_enabled', userId, actorId: actor.actorId });
      return { ok: true, codes };
    },

    // `claim` claims the attempt's throttle slot and this code's step in one command (src/services/throttle/guard.ts)
    async verifyCode(userId: string, code: string, claim: ClaimWithSlot): Promise<TotpVerdict> {
      const mfa = await deps.users.mfaOf(userId);
      if (!mfa?.enabled || !mfa.secretSealed) return (await claim()) === 0 ? 'busy' : 'invalid';
      const verdict = await deps.verifier.verify(userId, secretOf(userId, mfa.secretSealed), code, claim);
      // key rotation (B3): a secret sealed under an older key moves to the current key on its next use
      if (verdict === 'ok' && box.needsRotation(mfa.secretSealed)) {
        await deps.users.resealSecret(userId, mfa.secretSealed, box.reseal(mfa.secretSealed, `totp:${userId}`));
      }
      return verdict;
    },

    async useRecoveryCode(userId: string, code: string, meta: { ip?: string }): Promise<{ ok: true; remaining: number } | { ok: false }> {
      if (!deps.recovery.isWellFormed(code)) return { ok: false };
      const mfa = await deps.users.mfaOf(userId);
      if (!mfa?.enabled) return { ok: false };
      if (!(await deps.codes.consume(userId, deps.recovery.hash(code, userId)))) return { ok: false };
      // S10: after a recovery sign-in the user sets MFA up again (new secret, new codes); devices are forgotten
      await deps.users.setMustEnrol(userId, true);
      await deps.revokeDevices(userId);
      const remaining = await deps.codes.remaining(userId);
      await deps.audit.record({ type: 'mfa.recovery_code_used', userId, storeId: mfa.storeId, actorId: userId, ip: meta.ip, details: { remaining } });
      await deps.notify({ type: 'recovery_code_used', userId, details: { remaining } });
      return { ok: true, remaining };
    },

    remainingCodes: (userId: string) => deps.codes.remaining(userId),

    async regenerateCodes(userId: string, actor: Actor): Promise<string[]> {
      const mfa = await deps.users.mfaOf(userId);
      const codes = await issueCodes(userId);
      await deps.audit.record({ type: 'mfa.recovery_codes_regenerated', userId, storeId: mfa?.storeId, actorId: actor.actorId, ip: actor.ip });
      await deps.notify({ type: 'recovery_codes_regenerated', userId, actorId: actor.actorId });
      return codes;
    },

    // Removal by the user (S13) or by an admin; reset by an admin makes the user enrol again at next sign-in (S11).
    async remove(userId: string, actor: Actor, opts: { mustEnrol?: boolean } = {}): Promise<void> {
      const mfa = await deps.users.mfaOf(userId);
      await deps.users.deactivate(userId, { mustEnrol: Boolean(opts.mustEnrol) });
      await deps.codes.clear(userId);
      await deps.revokeDevices(userId);
      const type = opts.mustEnrol ? 'mfa.reset_by_admin' : 'mfa.removed';
      await deps.audit.record({ type, userId, storeId: mfa?.storeId, actorId: actor.actorId, ip: actor.ip });
      await deps.notify({ type: opts.mustEnrol ? 'mfa_reset' : 'mfa_removed', userId, actorId: actor.actorId });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
