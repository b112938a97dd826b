// MFA lifecycle, whatever the factor: turning MFA on with a first credential, adding and dropping credentials,
// recovery codes, reset and removal (S6-S13, B11), each change all-or-nothing and announced exactly once.
import { randomUUID } from 'node:crypto';
import type { RecoveryCodes } from '../recovery-codes/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { Credential } from './credentials.js';
import { takeGrant, type BindingGrant } from '../binding/index.js';

export type NoticeType = 'mfa_enabled' | 'mfa_reset' | 'recovery_codes_regenerated' | 'passkey_added' | 'passkey_removed';

/**
 * A change whose audit event and email are still to be written. It is saved in the same write as the change itself,
 * so a crash between the two is completed when the user's MFA is next loaded (each part exactly once, by its id).
 */
export interface PendingNotice {
  id: string;
  type: NoticeType;
  actorId: string;
  ip: string | null;
  at: Date;
  details?: Record<string, string>;
}

export interface MfaState {
  storeId: string;
  /** the user has at least one second factor (and its recovery codes) */
  enabled: boolean;
  mustEnrol: boolean;
  /** the batch of recovery codes that counts; codes of any other batch never match */
  codesBatch: string | null;
  pendingNotice: PendingNotice | null;
  credentials: Credential[];
}

export interface CredentialPatch {
  name?: string;
  lastUsedAt?: Date;
  /** fields of the credential's data to set */
  data?: Record<string, unknown>;
}

export interface MfaUserPort {
  mfaOf(userId: string): Promise<MfaState | undefined>;
  /**
   * The one write of an enrolment: the new credential in, the ones it replaces out, and its notice; with `codesBatch`,
   * MFA is on from this write with those recovery codes.
   */
  addCredential(userId: string, change: { add: Credential; drop: string[]; codesBatch: string | null }, notice: PendingNotice): Promise<void>;
  dropCredential(userId: string, key: string, notice: PendingNotice): Promise<void>;
  /** Sets the fields, only while the data fields of `onlyIf` still hold (when given); false when nothing matched. */
  updateCredential(userId: string, key: string, patch: CredentialPatch, onlyIf?: Record<string, unknown>): Promise<boolean>;
  /** New recovery codes count from this write on, the old ones no longer. */
  useCodesBatch(userId: string, codesBatch: string, notice: PendingNotice): Promise<void>;
  noticeDone(userId: string, noticeId: string): Promise<void>;
  /** Every credential and the codes go; with `mustEnrol` the user sets MFA up again at the next sign-in (`reset`: who asked it, when). */
  deactivate(userId: string, opts: { mustEnrol: boolean; reset?: { by: string; at: Date } }): Promise<void>;
  setMustEnrol(userId: string, mustEnrol: boolean): Promise<void>;
}

export interface RecoveryCodePort {
  /** Stores a new batch; it counts only once the user names it (addCredential / useCodesBatch). */
  insertBatch(userId: string, hashes: string[]): Promise<string>;
  dropOtherBatches(userId: string, keep: string): Promise<void>;
  /** `batch` null: MFA set up before batches were named; its codes are the only ones there. */
  consume(userId: string, hash: string, batch: string | null): Promise<boolean>;
  remaining(userId: string, batch: string | null): Promise<number>;
  clear(userId: string): Promise<void>;
}

export interface MfaServiceDeps {
  box: { encrypt(plain: string, context: string): string; decrypt(sealed: string, context: string): string };
  recovery: RecoveryCodes;
  users: MfaUserPort;
  codes: RecoveryCodePort;
  revokeDevices(userId: string): Promise<void>;
  audit: AuditRecorder;
  notify: Notifier;
  clock: () => Date;
}

export interface Actor {
  actorId: string;
  ip?: string;
}

export interface EnrolOptions {
  actor: Actor;
  /** the binding rule's permission for this one binding (src/services/binding): nothing is bound without it */
  grant: BindingGrant;
  /** credentials this one replaces (a new authenticator app replaces the old one, S12) */
  replaces?: string[];
  /** new recovery codes even though MFA is on (a new app comes with new codes, S12) */
  newCodes?: boolean;
  /** what to announce when MFA was already on (a first credential is always "MFA turned on") */
  noticeWhenOn: NoticeType;
  details?: Record<string, string>;
}

export const LOW_RECOVERY_CODES = 3;

const AUDIT_TYPES: Record<NoticeType, string> = {
  mfa_enabled: 'mfa.enabled',
  mfa_reset: 'mfa.reset',
  recovery_codes_regenerated: 'mfa.recovery_codes_regenerated',
  passkey_added: 'mfa.passkey_added',
  passkey_removed: 'mfa.passkey_removed',
};

export function createMfaService(deps: MfaServiceDeps) {
  const { box } = deps;

  async function newCodes(userId: string): Promise<{ codes: string[]; batch: string }> {
    const { codes, hashes } = deps.recovery.generate(userId);
    return { codes, batch: await deps.codes.insertBatch(userId, hashes) };
  }

  const noticeOf = (type: NoticeType, actor: Actor, details?: Record<string, string>): PendingNotice => ({
    id: randomUUID(),
    type,
    actorId: actor.actorId,
    ip: actor.ip ?? null,
    at: deps.clock(),
    ...(details ? { details } : {}),
  });

  // The rest of a change that is already in effect, now or on a later load: every part is idempotent (the audit
  // event and the email are keyed by the notice), so a repair after a crash records and sends each exactly once.
  async function complete(userId: string, mfa: Pick<MfaState, 'storeId' | 'codesBatch'>, notice: PendingNotice) {
    // a reset ends remembered devices (checklist 53)
    if (notice.type === 'mfa_reset') await deps.revokeDevices(userId);
    await deps.audit.record({
      type: AUDIT_TYPES[notice.type],
      userId,
      storeId: mfa.storeId,
      actorId: notice.actorId,
      ip: notice.ip ?? undefined,
      key: notice.id,
      ...(notice.details ? { details: notice.details } : {}),
    });
    await deps.notify({ type: notice.type, userId, actorId: notice.actorId, key: notice.id, ...(notice.details ? { details: notice.details } : {}) });
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

  async function remove(userId: string, actor: Actor, opts: { mustEnrol?: boolean } = {}): Promise<void> {
    const mfa = await load(userId);
    // a reset is kept with the state it explains (who, when) until the user enrols again: the wizard then says so
    await deps.users.deactivate(userId, opts.mustEnrol ? { mustEnrol: true, reset: { by: actor.actorId, at: deps.clock() } } : { mustEnrol: false });
    await deps.codes.clear(userId);
    await deps.revokeDevices(userId);
    const type = opts.mustEnrol ? 'mfa.reset_by_admin' : 'mfa.removed';
    await deps.audit.record({ type, userId, storeId: mfa?.storeId, actorId: actor.actorId, ip: actor.ip });
    // the email names the factors that stopped working
    await deps.notify({ type: opts.mustEnrol ? 'mfa_reset' : 'mfa_removed', userId, actorId: actor.actorId, details: { factors: [...new Set(mfa?.credentials.map((c) => c.type))] } });
  }

  return {
    load,

    /**
     * Adds a confirmed credential. All or nothing without transactions: new recovery codes (for a first credential, or
     * when asked) are stored first but count only from the one write that adds the credential with its notice; a crash
     * before it changes nothing, after it the notice completes. Returns the new codes, if any, to be shown once.
     */
    async enrol(userId: string, credential: Credential, opts: EnrolOptions): Promise<{ codes: string[] | null }> {
      if (!takeGrant(opts.grant, userId)) throw new Error(`mfa: a ${credential.type} for user ${userId} without the binding rule's grant`);
      const before = await load(userId);
      if (!before) throw new Error(`mfa: user ${userId} is missing`);
      const first = !before.enabled || before.mustEnrol;
      const fresh = first || opts.newCodes ? await newCodes(userId) : null;
      const type: NoticeType = !before.enabled && !before.mustEnrol ? 'mfa_enabled' : first ? 'mfa_reset' : opts.noticeWhenOn;
      // how the binding was allowed stays in the authenticator's history (checklist 65)
      const notice = noticeOf(type, opts.actor, { ...opts.details, via: opts.grant.via, factor: credential.type });
      await deps.users.addCredential(userId, { add: credential, drop: opts.replaces ?? [], codesBatch: fresh?.batch ?? null }, notice);
      await complete(userId, { storeId: before.storeId, codesBatch: fresh?.batch ?? null }, notice);
      return { codes: fresh?.codes ?? null };
    },

    /** Drops one credential; dropping the last one removes MFA altogether (S13). False when it is not the user's. */
    async dropCredential(userId: string, key: string, actor: Actor, announce: NoticeType): Promise<boolean> {
      const before = await load(userId);
      const credential = before?.credentials.find((c) => c.key === key);
      if (!before || !credential) return false;
      if (before.credentials.length === 1) {
        await remove(userId, actor);
        return true;
      }
      const notice = noticeOf(announce, actor, credential.name ? { name: credential.name } : undefined);
      await deps.users.dropCredential(userId, key, notice);
      await complete(userId, before, notice);
      return true;
    },

    updateCredential: (userId: string, key: string, patch: CredentialPatch, onlyIf?: Record<string, unknown>) => deps.users.updateCredential(userId, key, patch, onlyIf),

    sealCodes: (codes: string[]) => box.encrypt(codes.join(' '), 'codes'),
    unsealCodes: (sealed: string) => box.decrypt(sealed, 'codes').split(' '),

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

    // Like an enrolment: the new batch counts from one write that carries its notice (checklist 44).
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
    remove,
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
