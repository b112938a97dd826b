// Mongo implementation of the user/store read side and the password and MFA ports of the services.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { StoreView, UserDirectory, UserView } from '../../services/account/users.js';
import type { PasswordPort } from '../../services/account/passwords.js';
import type { EmailPort } from '../../services/account/email.js';
import type { MfaUserPort, PendingNotice } from '../../services/mfa/index.js';
import { CREDENTIAL_TYPES, type Credential } from '../../services/mfa/credentials.js';
import type { AccountThrottleState, ThrottlePort } from '../../services/throttle/guard.js';
import type { StoreRecords, UserRecords } from './user-records.js';
import type { UserDoc } from '../user.js';
import type { StoreAccountDoc } from '../store-account.js';
import { isLocale } from '../../http/i18n.js';
import { localeForCountry, type LanguagePort } from '../../services/account/language.js';

export const throttleOf = (u: UserDoc): AccountThrottleState => ({
  failures: u.throttle?.failures ?? 0,
  lastFailureAt: u.throttle?.lastFailureAt ?? null,
  closedAt: u.throttle?.closedAt ?? null,
  generation: u.throttle?.generation ?? 0,
  afterPassword: { failures: u.throttle?.afterPassword?.failures ?? 0, lastFailureAt: u.throttle?.afterPassword?.lastFailureAt ?? null },
  devices: (u.throttle?.devices ?? []).map((d) => ({ tag: d.tag ?? '', failures: d.failures ?? 0, lastFailureAt: d.lastFailureAt ?? null })),
});

export const toUserView = (u: UserDoc): UserView => ({
  id: String(u._id),
  storeId: String(u.storeId),
  username: u.username,
  name: u.name,
  email: u.email ?? null,
  emailVerified: Boolean(u.emailVerified),
  emailChangedAt: u.emailChangedAt ?? null,
  role: u.role as UserView['role'],
  active: u.active !== false,
  locale: isLocale(u.locale) ? u.locale : null,
  localeChosen: Boolean(u.localeChosen),
  mfaEnabled: Boolean(u.mfa?.enabled),
  credentialTypes: [...new Set(credentialsOf(u).map((c) => c.type))],
  mustEnrol: Boolean(u.mfa?.mustEnrol),
  mfaReset: u.mfa?.mustEnrol && u.mfa.reset?.at ? { by: u.mfa.reset.by ?? '', at: u.mfa.reset.at } : null,
  mustChangePassword: Boolean(u.mustChangePassword),
  throttle: throttleOf(u),
  sessionsEnded: u.sessionsEnded ?? 0,
  updatedAt: (u as { updatedAt?: Date }).updatedAt,
});

export const toStoreView = (s: StoreAccountDoc): StoreView => ({
  id: String(s._id),
  prefix: s.prefix,
  name: s.name,
  country: s.country,
  locale: isLocale(s.locale) ? s.locale : localeForCountry(s.country),
  localeChosen: isLocale(s.locale),
  integrations: [...(s.integrations ?? [])],
  policy: {
    requireForManagers: Boolean(s.policy?.requireForManagers),
    requireForEveryone: Boolean(s.policy?.requireForEveryone),
    rememberDeviceAllowed: s.policy?.rememberDeviceAllowed !== false,
    rememberDeviceDays: s.policy?.rememberDeviceDays ?? 30,
    passwordEnrolmentUntil: s.policy?.passwordEnrolmentUntil ?? null,
    sessionIdleMinutes: s.policy?.sessionIdleMinutes ?? 60,
    sessionAbsoluteHours: s.policy?.sessionAbsoluteHours ?? 12,
    managerMfaBy: s.policy?.managerMfaBy ?? null,
    cashierMfaBy: s.policy?.cashierMfaBy ?? null,
    timeZone: s.policy?.timeZone ?? null,
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
    async upgradeHash(userId, from, to) {
      await User.updateOne({ _id: oid(userId), passwordHash: from }, { $set: { passwordHash: to } });
    },
  };
}

const credentialTypes = new Set<string>(CREDENTIAL_TYPES);

// The stored credentials object as the typed list; entries of an unknown type are left out.
export function credentialsOf(u: Pick<UserDoc, 'credentials'>): Credential[] {
  const stored = (u.credentials ?? {}) as Record<string, Record<string, unknown> | null>;
  return Object.entries(stored).flatMap(([key, c]) =>
    c && typeof c.type === 'string' && credentialTypes.has(c.type)
      ? [
          {
            key,
            type: c.type as Credential['type'],
            name: typeof c.name === 'string' ? c.name : null,
            createdAt: c.createdAt instanceof Date ? c.createdAt : new Date(0),
            lastUsedAt: c.lastUsedAt instanceof Date ? c.lastUsedAt : null,
            data: (c.data ?? {}) as Record<string, unknown>,
          },
        ]
      : [],
  );
}

const stored = (c: Credential) => ({ type: c.type, name: c.name, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, data: c.data });

export function mongoMfaUserPort({ User }: Models, users: UserRecords): MfaUserPort {
  return {
    async mfaOf(userId) {
      const u = await users.byId(userId);
      if (!u) return undefined;
      const n = u.mfa?.pendingNotice;
      return {
        storeId: String(u.storeId),
        enabled: Boolean(u.mfa?.enabled),
        mustEnrol: Boolean(u.mfa?.mustEnrol),
        codesBatch: u.mfa?.codesBatch ?? null,
        pendingNotice:
          n?.id && n.type && n.at
            ? { id: n.id, type: n.type as PendingNotice['type'], actorId: n.actorId ?? '', ip: n.ip ?? null, at: n.at, ...(n.details ? { details: n.details as Record<string, string> } : {}) }
            : null,
        credentials: credentialsOf(u),
      };
    },
    async addCredential(userId, { add, drop, codesBatch }, notice) {
      const on = codesBatch ? { 'mfa.enabled': true, 'mfa.enrolledAt': add.createdAt, 'mfa.mustEnrol': false, 'mfa.reset': null, 'mfa.codesBatch': codesBatch } : {};
      const unset = Object.fromEntries(drop.map((key) => [`credentials.${key}`, '']));
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { [`credentials.${add.key}`]: stored(add), 'mfa.pendingNotice': notice, ...on }, ...(drop.length ? { $unset: unset } : {}) },
      );
    },
    async dropCredential(userId, key, notice) {
      await User.updateOne({ _id: oid(userId) }, { $unset: { [`credentials.${key}`]: '' }, $set: { 'mfa.pendingNotice': notice } });
    },
    async updateCredential(userId, key, patch, onlyIf) {
      const at = `credentials.${key}`;
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set[`${at}.name`] = patch.name;
      if (patch.lastUsedAt !== undefined) set[`${at}.lastUsedAt`] = patch.lastUsedAt;
      for (const [field, value] of Object.entries(patch.data ?? {})) set[`${at}.data.${field}`] = value;
      const filter: Record<string, unknown> = { _id: oid(userId), [`${at}.type`]: { $exists: true } };
      for (const [field, value] of Object.entries(onlyIf ?? {})) filter[`${at}.data.${field}`] = value;
      const res = await User.updateOne(filter, { $set: set });
      return res.matchedCount === 1;
    },
    async useCodesBatch(userId, codesBatch, notice) {
      await User.updateOne({ _id: oid(userId) }, { $set: { 'mfa.codesBatch': codesBatch, 'mfa.pendingNotice': notice } });
    },
    async noticeDone(userId, noticeId) {
      await User.updateOne({ _id: oid(userId), 'mfa.pendingNotice.id': noticeId }, { $set: { 'mfa.pendingNotice': null } });
    },
    async deactivate(userId, { mustEnrol, reset }) {
      await User.updateOne(
        { _id: oid(userId) },
        { $set: { credentials: {}, 'mfa.enabled': false, 'mfa.enrolledAt': null, 'mfa.mustEnrol': mustEnrol, 'mfa.reset': reset ?? null, 'mfa.codesBatch': null } },
      );
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
        {
          $set: {
            'throttle.failures': 0,
            'throttle.lastFailureAt': null,
            'throttle.closedAt': null,
            'throttle.afterPassword': { failures: 0, lastFailureAt: null },
            'throttle.devices': [],
            'throttle.generation': generation + 1,
          },
        },
      );
      return res.modifiedCount === 1;
    },
  };
}

export function mongoLanguagePort({ User, StoreAccount }: Models): LanguagePort {
  return {
    async setUserLocale(userId, locale, chosen) {
      await User.updateOne({ _id: oid(userId) }, { $set: { locale, localeChosen: chosen } });
    },
    async clearUserChoice(userId) {
      await User.updateOne({ _id: oid(userId) }, { $set: { localeChosen: false } });
    },
    async setStoreLocale(storeId, locale) {
      await StoreAccount.updateOne({ _id: oid(storeId) }, { $set: { locale } });
    },
  };
}

export function mongoEmailPort({ User }: Models): EmailPort {
  return {
    async setEmail(userId, email, now) {
      await User.updateOne({ _id: oid(userId) }, { $set: { email, emailVerified: false, emailChangedAt: now } });
    },
  };
}
