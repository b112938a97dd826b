// Mongo implementation of the back-channel logout outbox (B16); claims are unique-_id marker inserts, safe on FerretDB.
import { Types } from 'mongoose';
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';
import { idFor, isDuplicate } from './idempotent-id.js';
import type { LogoutOutboxPort } from '../../logout/ports.js';

const markerId = (id: string, attempt: number) => `logout:${id}:${attempt}`;
const MARKER_TTL_MS = 30 * 86_400_000;

export function mongoLogoutOutbox({ LogoutDelivery, ConsumedMarker }: Pick<Models, 'LogoutDelivery' | 'ConsumedMarker'>): LogoutOutboxPort {
  return {
    async enqueue(targets, now) {
      if (!targets.length) return;
      const docs = targets.map((t) => ({
        _id: idFor(`logout:${t.clientId}:${t.sid ?? t.accountId}`),
        clientId: t.clientId,
        accountId: t.accountId,
        sid: t.sid,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      }));
      try {
        await LogoutDelivery.insertMany(docs, { ordered: false });
      } catch (err) {
        // already queued for that session end: told once
        const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
        if (!(isDuplicate(err) || (writeErrors?.length && writeErrors.every((e) => isDuplicate((e as { err?: unknown }).err ?? e))))) throw err;
      }
    },
    async due(now, limit, exclude) {
      const docs = await LogoutDelivery.find({
        status: 'pending',
        nextAttemptAt: { $lte: now },
        ...(exclude.length ? { _id: { $nin: exclude.map((id) => new Types.ObjectId(id)) } } : {}),
      })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({ id: String(d._id), clientId: d.clientId, accountId: d.accountId, sid: d.sid ?? null, attempts: d.attempts }));
    },
    async claim(id, attempt, now) {
      try {
        const expiresAt = new Date(now.getTime() + MARKER_TTL_MS);
        await ConsumedMarker.create({ _id: markerId(id, attempt), at: now, expiresAt, expiresBucket: expiryBucket(expiresAt) });
        return true;
      } catch (err) {
        if (isDuplicate(err)) return false;
        throw err;
      }
    },
    async claimedAt(id, attempt) {
      const marker = await ConsumedMarker.findById(markerId(id, attempt)).lean();
      return marker?.at ?? undefined;
    },
    async hold(id, attempt, until) {
      await LogoutDelivery.updateOne({ _id: id, status: 'pending', attempts: attempt }, { $set: { nextAttemptAt: until } });
    },
    async skipAttempt(id, attempt, now) {
      await LogoutDelivery.updateOne(
        { _id: id, status: 'pending', attempts: attempt },
        { $set: { attempts: attempt + 1, nextAttemptAt: now, lastError: 'claim expired (worker stopped while sending)' } },
      );
      return Boolean(await LogoutDelivery.exists({ _id: id, status: 'pending', attempts: attempt + 1 }));
    },
    async markSent(id, at, keepUntil) {
      await LogoutDelivery.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'sent', sentAt: at, expiresAt: keepUntil, lastError: null } });
    },
    async markFailed(id, attempt, nextAttemptAt, error) {
      await LogoutDelivery.updateOne({ _id: id, status: 'pending', attempts: attempt }, { $set: { attempts: attempt + 1, nextAttemptAt, lastError: error.slice(0, 500) } });
    },
    async markAbandoned(id, attempt, at, keepUntil, error) {
      await LogoutDelivery.updateOne(
        { _id: id, status: 'pending', attempts: attempt },
        { $set: { status: 'abandoned', attempts: attempt + 1, sentAt: at, expiresAt: keepUntil, lastError: error.slice(0, 500) } },
      );
    },
  };
}
