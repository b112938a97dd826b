// Admin use cases on a store's users: list and search, create, change role, (de)activate, MFA reset/removal, devices (S11, B10, D5).
import type { MfaReason, Role } from '../policy/index.js';
import { mfaStanding, type MfaStanding } from '../policy/standing.js';
import type { Locale } from '../locale.js';
import type { LanguageService } from '../account/language.js';
import type { AuditRecorder } from '../audit/index.js';
import type { StoreView } from '../account/users.js';
import type { DeviceRecord } from '../account/devices.js';
import type { AccessPasses, PassRecord } from '../access-passes/index.js';
import type { Binding } from '../binding/index.js';
import type { AdminUserPort, AdminUserRecord, SessionRevoker, StorePort } from './ports.js';
import { ASSIGNABLE_ROLES, denialFor, type AdminAction, type Denial, type Party } from './rules.js';

export type MfaStatus = MfaStanding;

export interface AdminUserSummary extends AdminUserRecord {
  /** the user's standing with MFA, from the one function the MFA coverage page counts with (src/services/policy/standing.ts) */
  mfaStatus: MfaStatus;
  /** why MFA is required for this user's role (empty when it is optional) */
  mfaReasons: MfaReason[];
  /** the role's roll-out deadline ("YYYY-MM-DD"), when the store set one */
  mfaDeadline?: string;
}

/** The signed-in admin, with where the request came from (checklist 65). */
export interface AdminActor extends Party {
  ip?: string;
  userAgent?: string;
}

export type AdminError =
  | Denial
  | 'not_found'
  | 'not_confirmed'
  | 'password_wrong'
  | 'too_many'
  | 'mfa_not_active'
  | 'invalid_role'
  | 'username_taken'
  | 'already_shown'
  | `password_${string}`;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AdminError };

export interface AdminUserServiceDeps {
  users: AdminUserPort;
  stores: StorePort;
  hashPassword(password: string): Promise<string>;
  checkNewPassword(password: string, context: { username: string; storePrefix: string }): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** the admin's own password, counted by the brute-force throttle (B2) */
  verifyAdminPassword(actor: AdminActor, password: string): Promise<'ok' | 'password_wrong' | 'too_many'>;
  mfa: { remove(userId: string, actor: { actorId: string; ip?: string }, opts?: { mustEnrol?: boolean }): Promise<void> };
  devices: { list(userId: string): Promise<DeviceRecord[]>; revokeAll(userId: string): Promise<number> };
  endSessions: SessionRevoker;
  /** reopens sign-in from unknown devices (B18), if the lock is still that generation; audited and emailed there */
  unlockSignIn(userId: string, generation: number, actor: { actorId: string; storeId: string; ip?: string }): Promise<boolean>;
  /** temporary access passes (B17): listed (never the pass), revoked */
  passes: Pick<AccessPasses, 'active' | 'revoke'>;
  /** ... and made (shown once) through the binding rule's service, the one owner of binding proofs */
  binding: Pick<Binding, 'issuePass'>;
  /** the language of the user's emails (B22): chosen here, else the one of their pages */
  languages: Pick<LanguageService, 'choose' | 'chooseForStore'>;
  audit: AuditRecorder;
  /** roll-out deadlines (B21) are enforced by this clock */
  clock?: () => Date;
}

export interface UserListInput {
  search?: string;
  role?: Role;
  mfa?: 'active' | 'inactive';
  page: number;
  pageSize: number;
}

export interface NewUserInput {
  username: string;
  name: string;
  email: string | null;
  role: Role;
  password: string;
}

const fail = <T>(error: AdminError): Outcome<T> => ({ ok: false, error });
const done = <T>(value: T): Outcome<T> => ({ ok: true, value });

export function createAdminUserService(deps: AdminUserServiceDeps) {
  const summarise = (user: AdminUserRecord, store: StoreView): AdminUserSummary => {
    const { standing, reasons, rollout } = mfaStanding(user, store, deps.clock?.() ?? new Date());
    return { ...user, mfaStatus: standing, mfaReasons: reasons, mfaDeadline: rollout?.deadline };
  };

  const storeOf = async (actor: AdminActor) => {
    const store = await deps.stores.byId(actor.storeId);
    if (!store) throw new Error(`store ${actor.storeId} of admin ${actor.id} is gone`);
    return store;
  };

  // The user as saved just now by a use case that found (or created) it in the admin's store; users are never deleted.
  const reread = async (actor: AdminActor, userId: string) => {
    const user = await deps.users.inStore(actor.storeId, userId);
    if (!user) throw new Error(`user ${userId} of store ${actor.storeId} is gone`);
    return user;
  };

  // Loads a user of the admin's own store and applies the rules; an id from any other store is simply forbidden.
  async function target(actor: AdminActor, userId: string, action: AdminAction, newRole?: Role): Promise<Outcome<AdminUserRecord>> {
    const user = await deps.users.inStore(actor.storeId, userId);
    if (!user) return fail(denialFor(actor, actor, 'view') ?? 'other_store');
    const denial = denialFor(actor, user, action, newRole);
    return denial ? fail(denial) : done(user);
  }

  const audit = (actor: AdminActor, type: string, userId: string | null, details: Record<string, unknown> = {}) =>
    deps.audit.record({ type, storeId: actor.storeId, userId, actorId: actor.id, ip: actor.ip, userAgent: actor.userAgent, details });

  // Reset and removal both prove the admin's identity again and need an explicit confirmation (checklist 62, 63).
  async function changeMfa(actor: AdminActor, userId: string, mode: 'reset' | 'remove', input: { password: string; confirmed: boolean }) {
    const found = await target(actor, userId, mode === 'reset' ? 'reset_mfa' : 'remove_mfa');
    if (!found.ok) return found;
    const user = found.value;
    if (mode === 'remove' && !user.mfaEnabled && !user.mustEnrol) return fail<AdminUserSummary>('mfa_not_active');
    if (!input.confirmed) return fail<AdminUserSummary>('not_confirmed');
    const password = await deps.verifyAdminPassword(actor, input.password);
    if (password !== 'ok') return fail<AdminUserSummary>(password);
    // the MFA service audits, notifies the user and forgets remembered devices; we also end every session (checklist 64)
    await deps.mfa.remove(user.id, { actorId: actor.id, ip: actor.ip }, { mustEnrol: mode === 'reset' });
    const sessionsEnded = await deps.endSessions(user.id);
    await audit(actor, 'admin.sessions_ended', user.id, { reason: mode === 'reset' ? 'mfa_reset' : 'mfa_removed', count: sessionsEnded });
    const after = await reread(actor, user.id);
    return done(summarise(after, await storeOf(actor)));
  }

  return {
    summarise,

    async list(actor: AdminActor, input: UserListInput) {
      const store = await storeOf(actor);
      const { users, total } = await deps.users.list(actor.storeId, {
        search: input.search?.trim() || undefined,
        role: input.role,
        mfa: input.mfa,
        skip: (input.page - 1) * input.pageSize,
        limit: input.pageSize,
      });
      return {
        users: users.map((u) => summarise(u, store)),
        total,
        page: input.page,
        pageSize: input.pageSize,
        pages: Math.max(1, Math.ceil(total / input.pageSize)),
      };
    },

    /** A temporary access pass for the user's first authenticator (B17): the pass is in the result, shown once. */
    async issuePass(actor: AdminActor, userId: string, reason: 'new_user' | 'reset' | 'request' | 'rollout'): Promise<Outcome<{ user: AdminUserSummary; pass: string; expiresAt: Date }>> {
      const found = await target(actor, userId, 'issue_pass');
      if (!found.ok) return found;
      const { pass, expiresAt } = await deps.binding.issuePass(found.value, { actorId: actor.id, ip: actor.ip }, reason);
      return done({ user: summarise(found.value, await storeOf(actor)), pass, expiresAt });
    },

    /**
     * Passes for everyone of a roll-out still to set up MFA, to print as slips (issue 19): the admin's password again
     * (many accounts at once), the form's one answer (`once`: a resent form makes no second set), then one pass per
     * user the admin may make one for who has no factor; each is audited and emailed about like any other. The others
     * are counted, not named.
     */
    async issueRolloutPasses(
      actor: AdminActor,
      userIds: readonly string[],
      input: { password: string; once: () => Promise<boolean> },
    ): Promise<Outcome<{ issued: Array<{ user: AdminUserSummary; pass: string; expiresAt: Date }>; skipped: number }>> {
      const verdict = await deps.verifyAdminPassword(actor, input.password);
      if (verdict !== 'ok') return fail(verdict);
      if (!(await input.once())) return fail('already_shown');
      const store = await storeOf(actor);
      const issued: Array<{ user: AdminUserSummary; pass: string; expiresAt: Date }> = [];
      let skipped = 0;
      for (const userId of userIds) {
        const found = await target(actor, userId, 'issue_pass');
        if (!found.ok || found.value.mfaEnabled || !found.value.active) {
          skipped++;
          continue;
        }
        const { pass, expiresAt } = await deps.binding.issuePass(found.value, { actorId: actor.id, ip: actor.ip }, 'rollout');
        issued.push({ user: summarise(found.value, store), pass, expiresAt });
      }
      return done({ issued, skipped });
    },

    async revokePass(actor: AdminActor, userId: string, passId: string): Promise<Outcome<{ revoked: boolean }>> {
      const found = await target(actor, userId, 'issue_pass');
      if (!found.ok) return found;
      return done({ revoked: await deps.passes.revoke(found.value, passId, { actorId: actor.id, ip: actor.ip }) });
    },

    async get(actor: AdminActor, userId: string): Promise<Outcome<{ user: AdminUserSummary; devices: DeviceRecord[]; passes: PassRecord[] }>> {
      const found = await target(actor, userId, 'view');
      if (!found.ok) return found;
      return done({ user: summarise(found.value, await storeOf(actor)), devices: await deps.devices.list(found.value.id), passes: await deps.passes.active(found.value.id) });
    },

    /** What the signed-in admin may do to this user (for showing or hiding actions). */
    allowed(actor: AdminActor, user: AdminUserRecord): Record<Exclude<AdminAction, 'view'>, boolean> {
      const may = (action: AdminAction) => denialFor(actor, user, action, action === 'change_role' ? 'cashier' : undefined) === null;
      return {
        change_role: may('change_role'),
        deactivate: may('deactivate') && user.active,
        reactivate: may('reactivate') && !user.active,
        // nothing to reset or remove without a factor (after a reset the user is asked to enrol at sign-in)
        reset_mfa: may('reset_mfa') && user.mfaEnabled,
        remove_mfa: may('remove_mfa') && user.mfaEnabled,
        revoke_devices: may('revoke_devices'),
        unlock_sign_in: may('unlock_sign_in') && user.signInClosed,
        issue_pass: may('issue_pass') && user.active,
        set_language: may('set_language'),
        end_sessions: may('end_sessions'),
      };
    },

    async create(actor: AdminActor, input: NewUserInput): Promise<Outcome<AdminUserSummary>> {
      if (denialFor(actor, actor, 'view')) return fail('not_admin');
      if (!ASSIGNABLE_ROLES.includes(input.role)) return fail('invalid_role');
      const store = await storeOf(actor);
      const username = input.username.trim().toLowerCase();
      if (await deps.users.byUsername(actor.storeId, username)) return fail('username_taken');
      const verdict = await deps.checkNewPassword(input.password, { username, storePrefix: store.prefix });
      if (!verdict.ok) return fail(`password_${verdict.reason}`);
      const created = await deps.users.create({
        storeId: actor.storeId,
        username,
        name: input.name.trim(),
        email: input.email?.trim() || null,
        role: input.role,
        passwordHash: await deps.hashPassword(input.password),
      });
      if (!created.ok) return fail(created.reason);
      await audit(actor, 'admin.user_created', created.id, { username, role: input.role });
      return done(summarise(await reread(actor, created.id), store));
    },

    async changeRole(actor: AdminActor, userId: string, role: Role): Promise<Outcome<AdminUserSummary>> {
      if (!ASSIGNABLE_ROLES.includes(role)) return fail(role === 'owner' ? 'owner_role' : 'invalid_role');
      const found = await target(actor, userId, 'change_role', role);
      if (!found.ok) return found;
      const user = found.value;
      if (user.role !== role) {
        await deps.users.setRole(actor.storeId, user.id, role);
        // tokens carry the role claim: the user signs in again to get the new one (and MFA if the new role needs it)
        const sessionsEnded = await deps.endSessions(user.id);
        await audit(actor, 'admin.user_role_changed', user.id, { from: user.role, to: role, sessionsEnded });
      }
      return done(summarise(await reread(actor, user.id), await storeOf(actor)));
    },

    // The language the user's emails are written in; null: the language of their pages again (audited there).
    async setLanguage(actor: AdminActor, userId: string, locale: Locale | null): Promise<Outcome<AdminUserSummary>> {
      const found = await target(actor, userId, 'set_language');
      if (!found.ok) return found;
      await deps.languages.choose(found.value, locale, { actorId: actor.id, ip: actor.ip });
      return done(summarise(await reread(actor, userId), await storeOf(actor)));
    },

    // Disabling an account ends its sessions and revokes its refresh tokens and remembered devices (checklist 59).
    async setActive(actor: AdminActor, userId: string, active: boolean): Promise<Outcome<AdminUserSummary>> {
      const found = await target(actor, userId, active ? 'reactivate' : 'deactivate');
      if (!found.ok) return found;
      const user = found.value;
      if (user.active !== active) {
        await deps.users.setActive(actor.storeId, user.id, active);
        const details: Record<string, unknown> = {};
        if (!active) {
          details.sessionsEnded = await deps.endSessions(user.id);
          details.devicesRevoked = await deps.devices.revokeAll(user.id);
        }
        await audit(actor, active ? 'admin.user_reactivated' : 'admin.user_deactivated', user.id, details);
      }
      return done(summarise(await reread(actor, user.id), await storeOf(actor)));
    },

    resetMfa: (actor: AdminActor, userId: string, input: { password: string; confirmed: boolean }) => changeMfa(actor, userId, 'reset', input),
    removeMfa: (actor: AdminActor, userId: string, input: { password: string; confirmed: boolean }) => changeMfa(actor, userId, 'remove', input),

    async unlockSignIn(actor: AdminActor, userId: string): Promise<Outcome<AdminUserSummary>> {
      const found = await target(actor, userId, 'unlock_sign_in');
      if (!found.ok) return found;
      const user = found.value;
      if (user.signInClosed) await deps.unlockSignIn(user.id, user.lockGeneration, { actorId: actor.id, storeId: actor.storeId, ip: actor.ip });
      return done(summarise(await reread(actor, user.id), await storeOf(actor)));
    },

    async revokeDevices(actor: AdminActor, userId: string): Promise<Outcome<{ revoked: number }>> {
      const found = await target(actor, userId, 'revoke_devices');
      if (!found.ok) return found;
      const revoked = await deps.devices.revokeAll(found.value.id);
      await audit(actor, 'admin.devices_revoked', found.value.id, { count: revoked });
      return done({ revoked });
    },
  };
}

export type AdminUserService = ReturnType<typeof createAdminUserService>;
