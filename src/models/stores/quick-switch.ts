// Mongo implementation of the quick-switch port (B19): registers, the day's register sign-ins, personal PINs.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { QuickSwitchPort, RegisterRecord } from '../../services/quick-switch/ports.js';

const oid = (id: string) => new Types.ObjectId(id);

interface RegisterDoc {
  _id: Types.ObjectId;
  storeId: Types.ObjectId;
  name: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  revokedAt?: Date | null;
  lastSeenAt?: Date | null;
}

const registerOf = (d: RegisterDoc): RegisterRecord => ({
  id: String(d._id),
  storeId: String(d.storeId),
  name: d.name,
  createdBy: String(d.createdBy),
  createdAt: d.createdAt,
  revokedAt: d.revokedAt ?? null,
  lastSeenAt: d.lastSeenAt ?? null,
});

export function mongoQuickSwitch({ Register, RegisterSignIn, UserPin, StoreAccount, User }: Models): QuickSwitchPort {
  return {
    async insertRegister(r) {
      const doc = await Register.create({ storeId: oid(r.storeId), name: r.name, secretHash: r.secretHash, createdBy: oid(r.createdBy), createdAt: r.createdAt });
      return registerOf(doc.toObject() as RegisterDoc);
    },
    async registerByHash(secretHash) {
      const doc = await Register.findOne({ secretHash }).lean();
      return doc ? registerOf(doc as RegisterDoc) : undefined;
    },
    async registers(storeId) {
      const docs = await Register.find({ storeId: oid(storeId) }).sort({ createdAt: 1 }).lean();
      return docs.map((d) => registerOf(d as RegisterDoc));
    },
    async revokeRegister(storeId, id, now) {
      if (!isValidObjectId(id)) return undefined;
      const filter = { _id: oid(id), storeId: oid(storeId), revokedAt: null };
      const doc = await Register.findOne(filter).lean();
      if (!doc) return undefined;
      const res = await Register.updateOne(filter, { $set: { revokedAt: now } });
      return res.matchedCount === 1 ? registerOf(doc as RegisterDoc) : undefined;
    },
    async renameRegister(storeId, id, name) {
      if (!isValidObjectId(id)) return undefined;
      const filter = { _id: oid(id), storeId: oid(storeId), revokedAt: null };
      const res = await Register.updateOne(filter, { $set: { name } });
      if (res.matchedCount !== 1) return undefined;
      const doc = await Register.findOne({ _id: oid(id) }).lean();
      return doc ? registerOf(doc as RegisterDoc) : undefined;
    },
    async ownerOf(storeId) {
      const owner = await User.findOne({ storeId: oid(storeId), role: 'owner', active: true }).lean();
      return owner ? String(owner._id) : undefined;
    },
    async dayPolicy(storeId) {
      const store = await StoreAccount.findOne({ _id: oid(storeId) }).lean();
      if (!store) return undefined;
      return { country: store.country, timeZone: store.policy?.timeZone ?? null, startHour: store.policy?.businessDayStartHour ?? 0 };
    },
    async setDayPolicy(storeId, timeZone, startHour) {
      await StoreAccount.updateOne({ _id: oid(storeId) }, { $set: { 'policy.timeZone': timeZone, 'policy.businessDayStartHour': startHour } });
    },
    async recordFullSignIn(e) {
      await RegisterSignIn.updateOne(
        { registerId: oid(e.register.id), userId: oid(e.userId) },
        {
          $set: { storeId: oid(e.register.storeId), fullAt: e.fullAt, validUntil: e.validUntil, pinFailures: 0, endedAt: null, registerName: e.register.name, expiresAt: e.keepUntil },
          $setOnInsert: { lastSwitchAt: null },
        },
        { upsert: true },
      );
      await Register.updateOne({ _id: oid(e.register.id) }, { $set: { lastSeenAt: e.fullAt } });
    },
    async roster(registerId, now) {
      const docs = await RegisterSignIn.find({ registerId: oid(registerId), validUntil: { $gt: now } }).lean();
      return docs
        .filter((d) => !d.endedAt)
        .map((d) => ({ userId: String(d.userId), fullAt: d.fullAt, validUntil: d.validUntil, pinFailures: d.pinFailures ?? 0, endedAt: d.endedAt ?? null }));
    },
    async signIn(registerId, userId) {
      if (!isValidObjectId(userId)) return undefined;
      const d = await RegisterSignIn.findOne({ registerId: oid(registerId), userId: oid(userId) }).lean();
      return d ? { userId, fullAt: d.fullAt, validUntil: d.validUntil, pinFailures: d.pinFailures ?? 0, endedAt: d.endedAt ?? null } : undefined;
    },
    async countPinFailure(registerId, userId) {
      // attempts are serialised by the throttle's per-second slot, so the read after the increment is this attempt's
      const filter = { registerId: oid(registerId), userId: oid(userId) };
      await RegisterSignIn.updateOne(filter, { $inc: { pinFailures: 1 } });
      const d = await RegisterSignIn.findOne(filter).lean();
      return d?.pinFailures ?? 0;
    },
    async endSignIn(registerId, userId, now) {
      await RegisterSignIn.updateOne({ registerId: oid(registerId), userId: oid(userId) }, { $set: { endedAt: now } });
    },
    async recordSwitch(registerId, userId, authTime, now) {
      await RegisterSignIn.updateOne({ registerId: oid(registerId), userId: oid(userId) }, { $set: { lastSwitchAt: authTime, pinFailures: 0 } });
      await Register.updateOne({ _id: oid(registerId) }, { $set: { lastSeenAt: now } });
    },
    async switchAt(userId, authTime) {
      if (!isValidObjectId(userId)) return undefined;
      const d = await RegisterSignIn.findOne({ userId: oid(userId), lastSwitchAt: authTime }).lean();
      return d ? { id: String(d.registerId), name: d.registerName } : undefined;
    },
    async pinHash(userId) {
      if (!isValidObjectId(userId)) return undefined;
      const d = await UserPin.findOne({ userId: oid(userId) }).lean();
      return d?.hash;
    },
    async setPin(userId, hash, now) {
      await UserPin.updateOne({ userId: oid(userId) }, { $set: { hash, setAt: now } }, { upsert: true });
    },
    async removePin(userId) {
      const res = await UserPin.deleteOne({ userId: oid(userId) });
      return res.deletedCount === 1;
    },
  };
}
