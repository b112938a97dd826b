// Mongo implementation of the mail outbox (B6) and the store-owner lookup; claims are unique-_id marker inserts, safe on FerretDB.
import { isValidObjectId, Types } from 'mongoose';
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';
import { idFor, isDuplicate } from './idempotent-id.js';
import type { UserDoc } from '../user.js';
import type { OutboxPort, OwnerLookup } from '../../mail/ports.js';
import { toUserView } from './user-directory.js';

const oid = (id: string | null) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);
const markerId = (id: string, attempt: number) => `outbox:${id}:${attempt}`;
// a claim marker must outlive any retry schedule of its message, so it is never swept while it still decides something
const MARKER_TTL_MS = 30 * 86_400_000;

export function mongoOutbox({ OutboxMessage, ConsumedMarker }: Models): OutboxPort {
  return {
    async enqueue(messages, now, key) {
      if (!messages.length) return [];
      const docs = messages.map((m, i) => ({
        ...(key ? { _id: idFor(`outbox:${key}:${i}`) } : {}),
        ...m,
        userId: oid(m.userId),
        storeId: oid(m.storeId),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      }));
      try {
        return (await OutboxMessage.insertMany(docs)).map((d) => String(d._id));
      } catch (err) {
        // queued before under this key: the first message exists, so all of them do (one insert wrote them)
        if (key && isDuplicate(err)) return docs.map((d) => String(d._id));
        throw err;
      }
    },
    async due(now, limit, exclude) {
      const docs = await OutboxMessage.find({
        status: 'pending',
        nextAttemptAt: { $lte: now },
        ...(exclude.length ? { _id: { $nin: exclude.map((id) => new Types.ObjectId(id)) } } : {}),
      })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({ id: String(d._id), to: d.to, subject: d.subject, text: d.text, html: d.html, attempts: d.attempts }));
    },
    async claim(id, attempt, now) {
      try {
        const expiresAt = new Date(now.getTime() + MARKER_TTL_MS);
        await ConsumedMarker.create({ _id: markerId(id, attempt), at: now, expiresAt, expiresBucket: expiryBucket(expiresAt) });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
    },
    async claimedAt(id, attempt) {
      const marker = await ConsumedMarker.findById(markerId(id, attempt)).lean();
      return marker?.at ?? undefined;
    },
    async hold(id, attempt, until) {
      await OutboxMessage.updateOne({ _id: id, status: 'pending', attempts: attempt }, { $set: { nextAttemptAt: until } });
    },
    async skipAttempt(id, attempt, now) {
      // $set, not $inc: two workers taking over the same stale claim both write the same value
      await OutboxMessage.updateOne(
        { _id: id, status: 'pending', attempts: attempt },
        { $set: { attempts: attempt + 1, nextAttemptAt: now, lastError: 'claim expired (worker stopped while sending)' } },
      );
      return Boolean(await OutboxMessage.exists({ _id: id, status: 'pending', attempts: attempt + 1 }));
    },
    async markSent(id, at, keepUntil) {
      await OutboxMessage.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'sent', sentAt: at, expiresAt: keepUntil, lastError: null } });
    },
    async markFailed(id, attempt, nextAttemptAt, error) {
      await OutboxMessage.updateOne(
        { _id: id, status: 'pending', attempts: attempt },
        { $set: { attempts: attempt + 1, nextAttemptAt, lastError: error.slice(0, 500) } },
      );
    },
  };
}

export function mongoOwnerLookup({ User }: Models): OwnerLookup {
  return async (storeId) => {
    const store = oid(storeId);
    const owner = store && (await User.findOne({ storeId: store, role: 'owner' }).sort({ _id: 1 }).lean<UserDoc>());
    return owner ? toUserView(owner) : undefined;
  };
}

/** Counted up to this many: beyond it the number only says "a lot", and the count stays cheap. */
export const BACKLOG_COUNT_CAP = 10_000;

/** The outbox backlog for monitoring: pending messages (capped count) and when the oldest was queued. */
export function mongoOutboxBacklog({ OutboxMessage }: Models) {
  return async (): Promise<{ pending: number; oldestCreatedAt: Date | null }> => {
    const [pending, oldest] = await Promise.all([
      OutboxMessage.countDocuments({ status: 'pending' }, { limit: BACKLOG_COUNT_CAP }),
      // {status, createdAt} index: one index entry on MongoDB
      OutboxMessage.findOne({ status: 'pending' }, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
    ]);
    return { pending, oldestCreatedAt: oldest?.createdAt ?? null };
  };
}
