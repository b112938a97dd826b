// Password use cases: sign-in verification with a dummy hash for unknown users, re-authentication, change.
import { createHash } from 'node:crypto';
import type { PasswordHasher } from '../passwords/index.js';
import { checkNewPassword, type NewPasswordContext, type NewPasswordRejection } from '../passwords/index.js';
import type { BreachChecker } from '../breach/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { UserDirectory, UserView } from './users.js';

export interface PasswordPort {
  hashOf(userId: string): Promise<string | undefined>;
  // one query by store and username, whether or not the user exists, so both cost the same (checklist 25)
  loginHashOf(storeId: string, username: string): Promise<{ userId: string; hash: string } | undefined>;
  setHash(userId: string, hash: string, at: Date): Promise<void>;
  /** Replaces `from` by `to` (same password, current parameters); nothing when the hash changed meanwhile. */
  upgradeHash(userId: string, from: string, to: string): Promise<void>;
}

export interface PasswordServiceDeps {
  hasher: PasswordHasher;
  breach: BreachChecker;
  users: UserDirectory;
  store: PasswordPort;
  revokeDevices(userId: string): Promise<void>;
  audit: AuditRecorder;
  notify: Notifier;
  clock: () => Date;
  serviceName: string;
}

export type NewPasswordVerdict = { ok: true } | { ok: false; reason: NewPasswordRejection | 'breached' };

export function createPasswordService(deps: PasswordServiceDeps) {
  return {
    hash: (password: string) => deps.hasher.hash(password),

    /** `upgrade: false` where a right and a wrong password must cost the same (an account held back, checklist 24). */
    async verifyLogin(storeId: string, username: string, password: string, opts: { upgrade?: boolean } = {}): Promise<UserView | undefined> {
      const found = await deps.store.loginHashOf(storeId, username);
      // always one argon2 verification, so unknown and known users cost the same (checklist 25)
      const ok = await deps.hasher.verify(found?.hash, password);
      if (!ok || !found) return undefined;
      // a hash made with older argon2 parameters is replaced now, while the password is at hand (checklist 12)
      if (opts.upgrade !== false && deps.hasher.needsRehash(found.hash)) await deps.store.upgradeHash(found.userId, found.hash, await deps.hasher.hash(password));
      return deps.users.byId(found.userId);
    },

    async verifyUser(userId: string, password: string): Promise<boolean> {
      return deps.hasher.verify(await deps.store.hashOf(userId), password);
    },

    /** A fingerprint of the current password hash (new salt each change): an emailed reset link is bound to it. */
    async version(userId: string): Promise<string | undefined> {
      const hash = await deps.store.hashOf(userId);
      return hash ? createHash('sha256').update(hash).digest('base64url').slice(0, 22) : undefined;
    },

    async checkNew(password: string, context: NewPasswordContext): Promise<NewPasswordVerdict> {
      const local = checkNewPassword(password, { ...context, serviceName: deps.serviceName });
      if (!local.ok) return local;
      const breach = await deps.breach.check(password);
      if (breach.status === 'breached') return { ok: false, reason: 'breached' };
      return { ok: true };
    },

    async change(userId: string, password: string, actor: { actorId: string; ip?: string }): Promise<void> {
      const user = await deps.users.byId(userId);
      await deps.store.setHash(userId, await deps.hasher.hash(password), deps.clock());
      await deps.revokeDevices(userId);
      await deps.audit.record({ type: 'password.changed', userId, storeId: user?.storeId, actorId: actor.actorId, ip: actor.ip });
      await deps.notify({ type: 'password_changed', userId, actorId: actor.actorId });
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
