// Mongo implementation of the user/store read side and the password and MFA ports of the services.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { StoreView, UserDirectory, UserView } from '../../services/account/users.js';
import type { PasswordPort } from '../../services/account/passwords.js';
import type { EmailPort } from '../../services/account/email.js';
import type { MfaUserPort } from '../../services/mfa/index.js';
import type { TotpStepStore } from '../../services/totp/index.js';
import type { UserDoc } from '../user.js';
import type { StoreAccountDoc } from '../store-account.js';

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
  },
});

const oid = (id: string) => (isValidObjectId(id) ? new Types.ObjectId(id) : undefined);

export function mongoUserDirectory({ User, StoreAccount }: Models): UserDirectory {
  return {
    async byId(id) {
      const _id = oid(id);
      const u = _id && (await User.findById(_id).lean<UserDoc>());
      return u ? toUserView(u) : undefined;
    },
    async byUsername(storeId, username) {
      const store = oid(storeId);
      const u = store && (await User.findOne({ storeId: store, username: String(username).toLowerCase() }).lean<UserDoc>());
      return u ? toUserView(u) : undefined;
    },
    async storeById(id) {
      const _id = oid(id);
      const s = _id && (await StoreAccount.findById(_id).lean<StoreAccountDoc>());
      return s ? toStoreView(s) : undefined;
    },
    async storeByPrefix(prefix) {
      const s = await StoreAccount.findOne({ prefix: String(prefix).toLowerCase() }).lean<StoreAccountDoc>();
      return s ? toStoreView(s) : undefined;
    },
  };
}

export function mongoPasswordPort({ User }: Models): PasswordPort {
  return {
    async hashOf(userId) {
      const u = await User.findById(oid(userId)).lean<UserDoc>();
      return u && u.active !== false ? u.passwordHash : undefined;
    },
    async loginHashOf(storeId, username) {
      const u = await User.findOne({ storeId: oid(storeId) ?? null, username: String(username).toLowerCase(), active: { $ne: false } }).lean<UserDoc>();
      return u ? { userId: String(u._id), hash: u.passwordHash } : undefined;
    },
    async setHash(userId, hash, at) {
      await User.updateOne({ _id: oid(userId) }, { $set: { passwordHash: hash, passwordChangedAt: at, mustChangePassword: false } });
    },
  };
}

export function mongoMfaUserPort({ User }: Models): MfaUserPort {
  return {
    async mfaOf(userId) {
      const u = await User.findById(oid(userId)).lean<UserDoc>();
      if (!u) return undefined;
      return {
        storeId: String(u.storeId),
        enabled: Boolean(u.mfa?.enabled),
        secretSealed: u.mfa?.secretSealed ?? null,
        mustEnrol: Boolean(u.mfa?.mustEnrol),
      };
    },
    async activate(userId, secretSealed, acceptedStep, at) {
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { 'mfa.enabled': true, 'mfa.secretSealed': secretSealed, 'mfa.enrolledAt': at, 'mfa.mustEnrol': false, 'mfa.lastStep': acceptedStep } },
      );
    },
    async deactivate(userId, { mustEnrol }) {
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { 'mfa.enabled': false, 'mfa.secretSealed': null, 'mfa.enrolledAt': null, 'mfa.mustEnrol': mustEnrol } },
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

// Replay protection (B1; checklist 30, 31): a unique marker per (user, step) makes equal-step races safe even where
// findAndModify is not atomic (FerretDB), and the conditional update refuses any step not after the last accepted one.
export function mongoTotpStepStore({ User, ConsumedMarker }: Models): TotpStepStore {
  return {
    async claimStep(userId, step) {
      try {
        await ConsumedMarker.create({ _id: `totp:${userId}:${step}`, expiresAt: new Date((step + 3) * 30_000) });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
      const res = await User.updateOne({ _id: oid(userId), 'mfa.lastStep': { $lt: step } }, { $set: { 'mfa.lastStep': step } });
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
