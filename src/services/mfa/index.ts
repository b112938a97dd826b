// MFA lifecycle: enrol (pending secret -> confirmed by a code), verify, recovery codes, reset and removal (S6-S13, B1, B3, B11).
import { createHash, randomUUID } from 'node:crypto';
import { stepMarker, type ClaimWithSlot, type Totp, type TotpVerdict, type TotpVerifier } from '../totp/index.js';
import type { Marker } from '../throttle/guard.js';
import type { SecretBox } from '../secrets/index.js';
import type { RecoveryCodes } from '../recovery-codes/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

/**
 * A change whose audit event and email are still to be written. It is saved in the same write as the change itself,
 * so a crash between the two is completed when the user's MFA is next loaded (each part exactly once, by its id).
 */
export interface PendingNotice {
  id: string;
  type: 'mfa_enabled' | 'mfa_reset' | 'recovery_codes_regenerated';
  actorId: string;
  ip: string | null;
  at: Date;
}

export interface MfaState {
  storeId: string;
  enabled: boolean;
  secretSealed: string | null;
  mustEnrol: boolean;
  /** the batch of recovery codes that counts; codes of any other batch never match */
  codesBatch: string | null;
  pendingNotice: PendingNotice | null;
}

export interface MfaUserPort {
  mfaOf(userId: string): Promise<MfaState | undefined>;
  /** The one write that turns MFA on (or replaces it): secret, its recovery codes and its notice together. */
  activate(userId: string, secretSealed: string, at: Date, codesBatch: string, notice: PendingNotice): Promise<void>;
  /** New recovery codes count from this write on, the old ones no longer. */
  useCodesBatch(userId: string, codesBatch: string, notice: PendingNotice): Promise<void>;
  noticeDone(userId: string, noticeId: string): Promise<void>;
  deactivate(userId: string, opts: { mustEnrol: boolean }): Promise<void>;
  setMustEnrol(userId: string, mustEnrol: boolean): Promise<void>;
  // replaces the stored sealed secret only if it is still the one that was read
  resealSecret(userId: string, from: string, to: string): Promise<void>;
}

export interface RecoveryCodePort {
  /** Stores a new batch; it counts only once the user names it (activate / useCodesBatch). */
  insertBatch(userId: string, hashes: string[]): Promise<string>;
  dropOtherBatches(userId: string, keep: string): Promise<void>;
  /** `batch` null: MFA set up before batches were named; its codes are the only ones there. */
  consume(userId: string, hash: string, batch: string | null): Promise<boolean>;
  remaining(userId: string, batch: string | null): Promise<number>;
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

  async function newCodes(userId: string): Promise<{ codes: string[]; batch: string }> {
    const { codes, hashes } = deps.recovery.generate(userId);
    return { codes, batch: await deps.codes.insertBatch(userId, hashes) };
  }

  const noticeOf = (type: PendingNotice['type'], actor: Actor): PendingNotice => ({ id: randomUUID(), type, actorId: actor.actorId, ip: actor.ip ?? null, at: deps.clock() });

  // The rest of a change that is already in effect, now or on a later load: every part is idempotent (the audit
  // event and the email are keyed by the notice), so a repair after a crash records and sends each exactly once.
  async function complete(userId: string, mfa: Pick<MfaState, 'storeId' | 'codesBatch'>, notice: PendingNotice) {
    const audits = { mfa_enabled: 'mfa.enabled', mfa_reset: 'mfa.reset', recovery_codes_regenerated: 'mfa.recovery_codes_regenerated' } as const;
    // a reset ends remembered devices (checklist 53)
    if (notice.type === 'mfa_reset') await deps.revokeDevices(userId);
    await deps.audit.record({ type: audits[notice.type], userId, storeId: mfa.storeId, actorId: notice.actorId, ip: notice.ip ?? undefined, key: notice.id });
    await deps.notify({ type: notice.type, userId, actorId: notice.actorId, key: notice.id });
    if (mfa.codesBatch) await deps.codes.dropOtherBatches(userId, mfa.codesBatch);
    await deps.users.noticeDone(userId, notice.id);
  }

  // A notice left pending by a crash (older than any request could still be working on) is completed now.
  const STALE_NOTICE_MS = 60_000;
  async function load(userId: string): Promise<MfaState | undefined> {
    const mfa = await deps.users.mfaOf(userId);
    if (mfa?.pendingNotice && deps.clock().getTime() - mfa.pendingNotice.at.getTime() > STALE_NOTICE_MS) await complete(userId, mfa, mfa.pendingNotice);
    return mfa;
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
      const before = await load(userId);
      if (!before) return { ok: false };
      // all or nothing (no transactions): the codes are stored first but count only from the activation, which is one
      // write with the secret and the pending notice; a crash before it changes nothing, after it the notice completes
      const { codes, batch } = await newCodes(userId);
      const notice = noticeOf(before.enabled || before.mustEnrol ? 'mfa_reset' : 'mfa_enabled', actor);
      await deps.users.activate(userId, box.encrypt(secret, `totp:${userId}`), deps.clock(), batch, notice);
      // the code that confirmed the app is used: it (and older steps) cannot sign in again (checklist 30, 31)
      await deps.claimInOrder([step, step - 1, step - 2].map((s) => stepMarker(userId, s)));
      await complete(userId, { storeId: before.storeId, codesBatch: batch }, notice);
      return { ok: true, codes };
    },

    // `claim` claims the attempt's throttle slot and this code's step in one command (src/services/throttle/guard.ts)
    async verifyCode(userId: string, code: string, claim: ClaimWithSlot): Promise<TotpVerdict> {
      const mfa = await load(userId);
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
      const mfa = await load(userId);
      if (!mfa?.enabled) return { ok: false };
      if (!(await deps.codes.consume(userId, deps.recovery.hash(code, userId), mfa.codesBatch))) return { ok: false };
      // S10: after a recovery sign-in the user sets MFA up again (new secret, new codes); devices are forgotten
      await deps.users.setMustEnrol(userId, true);
      await deps.revokeDevices(userId);
      const remaining = await deps.codes.remaining(userId, mfa.codesBatch);
      await deps.audit.record({ type: 'mfa.recovery_code_used', userId, storeId: mfa.storeId, actorId: userId, ip: meta.ip, details: { remaining } });
      await deps.notify({ type: 'recovery_code_used', userId, details: { remaining } });
      return { ok: true, remaining };
    },

    async remainingCodes(userId: string): Promise<number> {
      const mfa = await load(userId);
      return mfa?.enabled ? deps.codes.remaining(userId, mfa.codesBatch) : 0;
    },

    // Like the activation: the new batch counts from one write that carries its notice (checklist 44).
    async regenerateCodes(userId: string, actor: Actor): Promise<string[]> {
      const mfa = await load(userId);
      if (!mfa?.enabled) throw new Error('recovery codes: MFA is not on');
      const { codes, batch } = await newCodes(userId);
      const notice = noticeOf('recovery_codes_regenerated', actor);
      await deps.users.useCodesBatch(userId, batch, notice);
      await complete(userId, { storeId: mfa.storeId, codesBatch: batch }, notice);
      return codes;
    },

    // Removal by the user (S13) or by an admin; reset by an admin makes the user enrol again at next sign-in (S11).
    async remove(userId: string, actor: Actor, opts: { mustEnrol?: boolean } = {}): Promise<void> {
      const mfa = await load(userId);
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
