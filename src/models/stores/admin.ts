// Mongo implementations of the admin ports: store-scoped users, store policy, admin sessions, revocation.
import { isValidObjectId, Types } from 'mongoose';
import { isLocale } from '../../http/i18n.js';
import type { Models } from '../index.js';
import type { UserDoc } from '../user.js';
import type { StoreAccountDoc } from '../store-account.js';
import type { AdminUserPort, AdminUserRecord, AuditPerson, SessionRevoker, StorePort } from '../../services/admin/ports.js';
import { credentialsOf, toStoreView } from './user-directory.js';
import { revokeEverythingOf } from '../../provider/mongo-adapter.js';
import type { PayloadStore } from './payloads.js';

const oid = (id: string) => (typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id) && isValidObjectId(id) ? new Types.ObjectId(id) : undefined);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type TimestampedUser = UserDoc & { createdAt?: Date };

const toRecord = (u: TimestampedUser): AdminUserRecord => ({
  id: String(u._id),
  storeId: String(u.storeId),
  username: u.username,
  name: u.name,
  email: u.email ?? null,
  role: u.role as AdminUserRecord['role'],
  active: u.active !== false,
  mfaEnabled: Boolean(u.mfa?.enabled),
  credentialTypes: [...new Set(credentialsOf(u).map((c) => c.type))],
  mustEnrol: Boolean(u.mfa?.mustEnrol),
  mfaEnrolledAt: u.mfa?.enrolledAt ?? null,
  createdAt: u.createdAt ?? null,
  signInClosed: Boolean(u.throttle?.closedAt),
  lockGeneration: u.throttle?.generation ?? 0,
  locale: isLocale(u.locale) ? u.locale : null,
  localeChosen: Boolean(u.localeChosen),
});

export function mongoAdminUsers({ User }: Models): AdminUserPort {
  return {
    async list(storeId, q) {
      const store = oid(storeId);
      if (!store) return { users: [], total: 0 };
      const filter: Record<string, unknown> = { storeId: store };
      if (q.role) filter.role = q.role;
      if (q.mfa === 'active') filter['mfa.enabled'] = true;
      if (q.mfa === 'inactive') filter['mfa.enabled'] = { $ne: true };
      if (q.active !== undefined) filter.active = q.active ? { $ne: false } : false;
      if (q.search) {
        const re = { $regex: escapeRegex(q.search.slice(0, 100)), $options: 'i' };
        filter.$or = [{ username: re }, { name: re }, { email: re }];
      }
      const [docs, total] = await Promise.all([
        User.find(filter).sort({ username: 1 }).skip(q.skip).limit(q.limit).lean<TimestampedUser[]>(),
        User.countDocuments(filter),
      ]);
      return { users: docs.map(toRecord), total };
    },
    async inStore(storeId, userId) {
      const store = oid(storeId);
      const _id = oid(userId);
      if (!store || !_id) return undefined;
      const u = await User.findOne({ _id, storeId: store }).lean<TimestampedUser>();
      return u ? toRecord(u) : undefined;
    },
    async byUsername(storeId, username) {
      const store = oid(storeId);
      if (!store || typeof username !== 'string') return undefined;
      const u = await User.findOne({ storeId: store, username: username.trim().toLowerCase() }).lean<TimestampedUser>();
      return u ? toRecord(u) : undefined;
    },
    async create(n) {
      try {
        const u = await User.create({
          storeId: new Types.ObjectId(n.storeId),
          username: n.username,
          name: n.name,
          email: n.email,
          role: n.role,
          passwordHash: n.passwordHash,
          passwordChangedAt: new Date(),
          mustChangePassword: true,
        });
        return { ok: true, id: String(u._id) };
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return { ok: false, reason: 'username_taken' };
        throw err;
      }
    },
    async setRole(storeId, userId, role) {
      await User.updateOne({ _id: oid(userId), storeId: oid(storeId) }, { $set: { role } });
    },
    async setActive(storeId, userId, active) {
      await User.updateOne({ _id: oid(userId), storeId: oid(storeId) }, { $set: { active } });
    },
    async usernames(storeId) {
      const docs = await User.find({ storeId: oid(storeId) }, { username: 1 }).lean<Array<{ _id: Types.ObjectId; username: string }>>();
      return new Map(docs.map((d) => [String(d._id), d.username]));
    },
    async people(storeId, ids) {
      const wanted = [...new Set(ids)].map(oid).filter((id): id is Types.ObjectId => Boolean(id));
      if (!wanted.length) return new Map<string, AuditPerson>();
      const docs = await User.find({ storeId: oid(storeId), _id: { $in: wanted } }, { username: 1, name: 1, role: 1 }).lean<
        Array<{ _id: Types.ObjectId; username: string; name?: string | null; role: AuditPerson['role'] }>
      >();
      return new Map(docs.map((d) => [String(d._id), { username: d.username, name: d.name || d.username, role: d.role }]));
    },
  };
}

export function mongoAdminStores({ StoreAccount }: Models): StorePort {
  return {
    async byId(storeId) {
      const _id = oid(storeId);
      const s = _id && (await StoreAccount.findById(_id).lean<StoreAccountDoc>());
      return s ? toStoreView(s) : undefined;
    },
    async byPrefix(prefix) {
      const s = await StoreAccount.findOne({ prefix: String(prefix).trim().toLowerCase() }).lean<StoreAccountDoc>();
      return s ? toStoreView(s) : undefined;
    },
    async setPolicy(storeId, p) {
      await StoreAccount.updateOne(
        { _id: oid(storeId) },
        {
          $set: {
            'policy.requireForManagers': p.requireForManagers,
            'policy.requireForEveryone': p.requireForEveryone,
            'policy.rememberDeviceAllowed': p.rememberDeviceAllowed,
            'policy.rememberDeviceDays': p.rememberDeviceDays,
            'policy.passwordEnrolmentUntil': p.passwordEnrolmentUntil,
            'policy.sessionIdleMinutes': p.sessionIdleMinutes,
            'policy.sessionAbsoluteHours': p.sessionAbsoluteHours,
            'policy.managerMfaBy': p.managerMfaBy,
            'policy.cashierMfaBy': p.cashierMfaBy,
            rollout: Boolean(p.managerMfaBy || p.cashierMfaBy),
          },
        },
      );
    },
  };
}

/** Provider sessions, grants and tokens (the OIDC adapter) plus admin-console sessions of the user. */
export function mongoSessionRevoker(models: Models, payloads: PayloadStore): SessionRevoker {
  return async (userId) => {
    const provider = await revokeEverythingOf(models, payloads, userId);
    const user = oid(userId);
    const admin = user ? (await models.AdminSession.deleteMany({ userId: user })).deletedCount : 0;
    return provider + admin;
  };
}

export interface PendingAdminLogin {
  binding: string;
  nonce: string;
  verifier: string;
  returnTo: string | null;
}

export interface AdminSessionRecord {
  userId: string;
  storeId: string;
  csrf: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

/** Server-side admin sessions; ids arrive already hashed. Every read checks expiry in the query. */
export function mongoAdminSessions({ AdminSession }: Models) {
  return {
    async saveLogin(id: string, login: PendingAdminLogin, expiresAt: Date): Promise<void> {
      await AdminSession.create({ _id: id, kind: 'login', ...login, absoluteExpiresAt: expiresAt, expiresAt });
    },
    // consume once: whoever deletes the record uses it (no reliance on an atomic findAndModify; FerretDB rule 8)
    async takeLogin(id: string, now: Date): Promise<PendingAdminLogin | undefined> {
      const doc = await AdminSession.findOne({ _id: id, kind: 'login', expiresAt: { $gt: now } }).lean();
      if (!doc) return undefined;
      const res = await AdminSession.deleteOne({ _id: id, kind: 'login' });
      if (res.deletedCount !== 1) return undefined;
      return { binding: doc.binding ?? '', nonce: doc.nonce ?? '', verifier: doc.verifier ?? '', returnTo: doc.returnTo ?? null };
    },
    async create(id: string, s: AdminSessionRecord & { ip?: string; userAgent?: string }): Promise<void> {
      await AdminSession.create({
        _id: id,
        kind: 'session',
        userId: new Types.ObjectId(s.userId),
        storeId: new Types.ObjectId(s.storeId),
        csrf: s.csrf,
        absoluteExpiresAt: s.absoluteExpiresAt,
        expiresAt: s.expiresAt,
        ip: s.ip ?? null,
        userAgent: s.userAgent?.slice(0, 300) ?? null,
      });
    },
    async find(id: string, now: Date): Promise<AdminSessionRecord | undefined> {
      const doc = await AdminSession.findOne({ _id: id, kind: 'session', expiresAt: { $gt: now } }).lean();
      if (!doc?.userId || !doc.storeId || !doc.csrf) return undefined;
      return { userId: String(doc.userId), storeId: String(doc.storeId), csrf: doc.csrf, expiresAt: doc.expiresAt, absoluteExpiresAt: doc.absoluteExpiresAt };
    },
    async touch(id: string, expiresAt: Date): Promise<void> {
      await AdminSession.updateOne({ _id: id, kind: 'session' }, { $set: { expiresAt } });
    },
    async end(id: string): Promise<void> {
      await AdminSession.deleteOne({ _id: id });
    },
  };
}

export type AdminSessionStore = ReturnType<typeof mongoAdminSessions>;
