// Mongo implementation of the mail outbox (B6) and the store-owner lookup; claims are unique-_id marker inserts, safe on FerretDB.
import { isValidObjectId, Types } from 'mongoose';
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';
import { idFor, isDuplicate } from './idempotent-id.js';
import type { UserDoc } from '../user.js';
import type { OutboxPort, OwnerLookup } from '../../mail/ports.js';
import type { HeldNotices } from '../../services/notifications/index.js';
import { toUserView } from './user-directory.js';

const oid = (id: string | null) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);
const markerId = (id: string, attempt: number) => `outbox:${id}:${attempt}`;
// a claim marker must outlive any retry schedule of its message, so it is never swept while it still decides something
const MARKER_TTL_MS = 30 * 86_400_000;

const messageId = (key: string, i: number) => idFor(`outbox:${key}:${i}`);
// one change writes to at most this many addresses (an email change: old, new, and the user's)
const MAX_RECIPIENTS = 3;

export function mongoOutbox({ OutboxMessage, ConsumedMarker }: Models): OutboxPort {
  return {
    async enqueue(messages, now, key, sendAt) {
      if (!messages.length) return [];
      const due = sendAt && key ? sendAt : now;
      const docs = messages.map((m, i) => ({
        ...(key ? { _id: messageId(key, i) } : {}),
        ...m,
        userId: oid(m.userId),
        storeId: oid(m.storeId),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: due,
        // a held message joins the queue (and the backlog's age) when it is due
        createdAt: due,
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

/**
 * Held notices (Notification.sendAt) by their key: still held means pending, never tried, and not yet due. Each
 * recipient's message is one document whose id the key names, so this is one indexed command per recipient.
 */
export function mongoHeldNotices({ OutboxMessage }: Models): HeldNotices {
  async function eachHeld(key: string, now: Date, change: (filter: Record<string, unknown>) => Promise<{ matchedCount?: number; deletedCount?: number }>) {
    for (let i = 0; i < MAX_RECIPIENTS; i++) {
      const done = await change({ _id: messageId(key, i), status: 'pending', attempts: 0, nextAttemptAt: { $gt: now } });
      if (!(done.matchedCount ?? done.deletedCount)) return;
    }
  }
  return {
    release: (key, now) => eachHeld(key, now, (filter) => OutboxMessage.updateOne(filter, { $set: { nextAttemptAt: now, createdAt: now } })),
    withdraw: (key, now) => eachHeld(key, now, (filter) => OutboxMessage.deleteOne(filter)),
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
