// Mongo implementation of the user/store read side and the password and MFA ports of the services.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { StoreView, UserDirectory, UserView } from '../../services/account/users.js';
import type { PasswordPort } from '../../services/account/passwords.js';
import type { EmailPort } from '../../services/account/email.js';
import type { MfaUserPort, PendingNotice } from '../../services/mfa/index.js';
import type { AccountThrottleState, ThrottlePort } from '../../services/throttle/guard.js';
import type { StoreRecords, UserRecords } from './user-records.js';
import type { UserDoc } from '../user.js';
import type { StoreAccountDoc } from '../store-account.js';

export const throttleOf = (u: UserDoc): AccountThrottleState => ({
  failures: u.throttle?.failures ?? 0,
  lastFailureAt: u.throttle?.lastFailureAt ?? null,
  closedAt: u.throttle?.closedAt ?? null,
  generation: u.throttle?.generation ?? 0,
  devices: (u.throttle?.devices ?? []).map((d) => ({ tag: d.tag ?? '', failures: d.failures ?? 0, lastFailureAt: d.lastFailureAt ?? null })),
});

export const toUserView = (u: UserDoc): UserView => ({
  id: String(u._id),
  storeId: String(u.storeId),
  username: u.username,
  name: u.name,
  email: u.email ?? null,
  emailVerified: Boolean(u.emailVerified),
  role: u.role as UserView['role'],
  active: u.active !== false,
  locale: u.locale ?? null,
  mfaEnabled: Boolean(u.mfa?.enabled),
  mustEnrol: Boolean(u.mfa?.mustEnrol),
  mustChangePassword: Boolean(u.mustChangePassword),
  throttle: throttleOf(u),
});

export const toStoreView = (s: StoreAccountDoc): StoreView => ({
  id: String(s._id),
  prefix: s.prefix,
  name: s.name,
  country: s.country,
  integrations: [...(s.integrations ?? [])],
  policy: {
    requireForManagers: Boolean(s.policy?.requireForManagers),
    requireForEveryone: Boolean(s.policy?.requireForEveryone),
    rememberDeviceAllowed: s.policy?.rememberDeviceAllowed !== false,
    rememberDeviceDays: s.policy?.rememberDeviceDays ?? 30,
    enrolmentPassForAll: Boolean(s.policy?.enrolmentPassForAll),
    passwordEnrolmentUntil: s.policy?.passwordEnrolmentUntil ?? null,
  },
});

const oid = (id: string) => (isValidObjectId(id) ? new Types.ObjectId(id) : undefined);

export function mongoUserDirectory(users: UserRecords, stores: StoreRecords): UserDirectory {
  return {
    async byId(id) {
      const u = await users.byId(id);
      return u ? toUserView(u) : undefined;
    },
    async recentById(id) {
      const u = await users.recentById(id);
      return u ? toUserView(u) : undefined;
    },
    async byUsername(storeId, username) {
      const u = await users.byLogin(storeId, username);
      return u ? toUserView(u) : undefined;
    },
    async storeById(id) {
      const s = await stores.byId(id);
      return s ? toStoreView(s) : undefined;
    },
    async storeByPrefix(prefix) {
      const s = await stores.byPrefix(prefix);
      return s ? toStoreView(s) : undefined;
    },
  };
}

export function mongoPasswordPort({ User }: Models, users: UserRecords): PasswordPort {
  return {
    async hashOf(userId) {
      const u = await users.byId(userId);
      return u && u.active !== false ? u.passwordHash : undefined;
    },
    async loginHashOf(storeId, username) {
      const u = await users.byLogin(storeId, username);
      return u && u.active !== false ? { userId: String(u._id), hash: u.passwordHash } : undefined;
    },
    async setHash(userId, hash, at) {
      await User.updateOne({ _id: oid(userId) }, { $set: { passwordHash: hash, passwordChangedAt: at, mustChangePassword: false } });
    },
  };
}

export function mongoMfaUserPort({ User }: Models, users: UserRecords): MfaUserPort {
  return {
    async mfaOf(userId) {
      const u = await users.byId(userId);
      if (!u) return undefined;
      const n = u.mfa?.pendingNotice;
      return {
        storeId: String(u.storeId),
        enabled: Boolean(u.mfa?.enabled),
        secretSealed: u.mfa?.secretSealed ?? null,
        mustEnrol: Boolean(u.mfa?.mustEnrol),
        codesBatch: u.mfa?.codesBatch ?? null,
        pendingNotice: n?.id && n.type && n.at ? { id: n.id, type: n.type as PendingNotice['type'], actorId: n.actorId ?? '', ip: n.ip ?? null, at: n.at } : null,
      };
    },
    async activate(userId, secretSealed, at, codesBatch, notice) {
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { 'mfa.enabled': true, 'mfa.secretSealed': secretSealed, 'mfa.enrolledAt': at, 'mfa.mustEnrol': false, 'mfa.codesBatch': codesBatch, 'mfa.pendingNotice': notice } },
      );
    },
    async useCodesBatch(userId, codesBatch, notice) {
      await User.updateOne({ _id: oid(userId) }, { $set: { 'mfa.codesBatch': codesBatch, 'mfa.pendingNotice': notice } });
    },
    async noticeDone(userId, noticeId) {
      await User.updateOne({ _id: oid(userId), 'mfa.pendingNotice.id': noticeId }, { $set: { 'mfa.pendingNotice': null } });
    },
    async deactivate(userId, { mustEnrol }) {
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { 'mfa.enabled': false, 'mfa.secretSealed': null, 'mfa.enrolledAt': null, 'mfa.mustEnrol': mustEnrol, 'mfa.codesBatch': null } },
      );
    },
    async resealSecret(userId, from, to) {
      await User.updateOne({ _id: oid(userId), 'mfa.secretSealed': from }, { $set: { 'mfa.secretSealed': to } });
    },
    async setMustEnrol(userId, mustEnrol) {
      await User.updateOne({ _id: oid(userId) }, { $set: { 'mfa.mustEnrol': mustEnrol } });
    },
  };
}

// The account's failure counts, written only when they change (a failure, or a success after failures).
export function mongoThrottle({ User }: Models): ThrottlePort {
  return {
    async save(userId, change) {
      const set = Object.fromEntries(Object.entries(change).map(([k, v]) => [`throttle.${k}`, v]));
      await User.updateOne({ _id: oid(userId) }, { $set: set });
    },
    async unlock(userId, generation) {
      const res = await User.updateOne(
        { _id: oid(userId), 'throttle.generation': generation },
        { $set: { 'throttle.failures': 0, 'throttle.lastFailureAt': null, 'throttle.closedAt': null, 'throttle.devices': [], 'throttle.generation': generation + 1 } },
      );
      return res.modifiedCount === 1;
    },
  };
}

export function mongoEmailPort({ User }: Models): EmailPort {
  return {
    async setEmail(userId, email) {
      await User.updateOne({ _id: oid(userId) }, { $set: { email, emailVerified: false } });
    },
  };
}
