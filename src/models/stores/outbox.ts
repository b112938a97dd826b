// Mongo implementation of the one outbox (B6, B16), its held notices and backlog, and the store-owner lookup; claims
// are unique-_id marker inserts, safe on FerretDB.
import { isValidObjectId, Types } from 'mongoose';
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';
import { idFor, isDuplicate } from './idempotent-id.js';
import type { UserDoc } from '../user.js';
import { mailKey, type OwnerLookup } from '../../mail/ports.js';
import type { OutboxKind, OutboxPayloads, OutboxPort, PendingDelivery } from '../../outbox/ports.js';
import type { HeldNotices } from '../../services/notifications/index.js';
import { toUserView } from './user-directory.js';

const oid = (id: string | null) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);
// a claim marker must outlive any retry schedule of its delivery, so it is never swept while it still decides something
const MARKER_TTL_MS = 30 * 86_400_000;
export const claimMarkerId = (id: string, attempt: number) => `outbox:${id}:${attempt}`;
// as the kinds' separate outboxes named keyed documents before issue 24, so a key queued before an upgrade still counts
const KEY_NAMESPACE: Record<OutboxKind, string> = { mail: 'outbox', logout: 'logout' };
const keyedId = (kind: OutboxKind, key: string) => idFor(`${KEY_NAMESPACE[kind]}:${key}`);
// each kind's payload fields; ids of our users and stores are stored as ObjectIds
const PAYLOAD: { [K in OutboxKind]: ReadonlyArray<keyof OutboxPayloads[K]> } = {
  mail: ['type', 'userId', 'storeId', 'to', 'locale', 'subject', 'text', 'html'],
  logout: ['clientId', 'accountId', 'sid'],
};
const OBJECT_IDS = new Set(['userId', 'storeId']);

export function mongoOutbox<K extends OutboxKind>({ OutboxMessage, ConsumedMarker }: Pick<Models, 'OutboxMessage' | 'ConsumedMarker'>, kind: K): OutboxPort<K> {
  const fields = PAYLOAD[kind] as ReadonlyArray<string>;
  const payloadOf = (source: Record<string, unknown>, convert: (name: string, v: unknown) => unknown) =>
    Object.fromEntries(fields.map((f) => [f, convert(f, source[f] ?? null)]));
  const pending = (id: string, attempt: number) => ({ _id: id, status: 'pending' as const, attempts: attempt });
  return {
    async enqueue(items, now, sendAt) {
      if (!items.length) return [];
      const due = sendAt ?? now;
      const docs = items.map((item) => ({
        _id: item.key ? keyedId(kind, item.key) : new Types.ObjectId(),
        kind,
        ...payloadOf(item as unknown as Record<string, unknown>, (f, v) => (OBJECT_IDS.has(f) ? oid(v as string | null) : v)),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: due,
        // a held item joins the backlog when it is due
        createdAt: due,
      }));
      try {
        await OutboxMessage.insertMany(docs, { ordered: false });
      } catch (err) {
        // an item queued before under its key is queued: that is what the key is for
        const writeErrors = (err as { writeErrors?: Array<{ err?: unknown }> }).writeErrors;
        if (!(isDuplicate(err) || writeErrors?.every((e) => isDuplicate(e.err ?? e)))) throw err;
      }
      return docs.map((d) => String(d._id));
    },
    async due(now, limit, exclude) {
      const docs = await OutboxMessage.find({
        status: 'pending',
        kind,
        nextAttemptAt: { $lte: now },
        ...(exclude.length ? { _id: { $nin: exclude.map((id) => new Types.ObjectId(id)) } } : {}),
      })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map(
        (d) => ({ id: String(d._id), attempts: d.attempts, ...payloadOf(d, (f, v) => (OBJECT_IDS.has(f) && v ? String(v) : v)) }) as PendingDelivery<K>,
      );
    },
    async claim(id, attempt, now) {
      try {
        const expiresAt = new Date(now.getTime() + MARKER_TTL_MS);
        await ConsumedMarker.create({ _id: claimMarkerId(id, attempt), at: now, expiresAt, expiresBucket: expiryBucket(expiresAt) });
        return true;
      } catch (err) {
        if (isDuplicate(err)) return false;
        throw err;
      }
    },
    async claimedAt(id, attempt) {
      const marker = await ConsumedMarker.findById(claimMarkerId(id, attempt)).lean();
      return marker?.at ?? undefined;
    },
    async hold(id, attempt, until) {
      await OutboxMessage.updateOne(pending(id, attempt), { $set: { nextAttemptAt: until } });
    },
    async skipAttempt(id, attempt, now) {
      // $set, not $inc: two workers taking over the same stale claim both write the same value
      await OutboxMessage.updateOne(pending(id, attempt), { $set: { attempts: attempt + 1, nextAttemptAt: now, lastError: 'claim expired (worker stopped while sending)' } });
      return Boolean(await OutboxMessage.exists(pending(id, attempt + 1)));
    },
    async markSent(id, at, keepUntil) {
      await OutboxMessage.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'sent', sentAt: at, expiresAt: keepUntil, lastError: null } });
    },
    async markFailed(id, attempt, nextAttemptAt, error) {
      await OutboxMessage.updateOne(pending(id, attempt), { $set: { attempts: attempt + 1, nextAttemptAt, lastError: error.slice(0, 500) } });
    },
    async markAbandoned(id, attempt, at, keepUntil, error) {
      await OutboxMessage.updateOne(pending(id, attempt), {
        $set: { status: 'abandoned', attempts: attempt + 1, sentAt: at, expiresAt: keepUntil, lastError: error.slice(0, 500) },
      });
    },
  };
}

// one change writes to at most this many addresses (an email change: old, new, and the user's)
const MAX_RECIPIENTS = 3;
// a withdrawn notice keeps its key this long, so the same notice queued again meanwhile stays withdrawn
const KEEP_WITHDRAWN_MS = 86_400_000;

/**
 * Held notices (Notification.sendAt) by their key: still held means pending, never tried, and not yet due. Each
 * recipient's email is one document whose id the key names, so this is one indexed command per recipient.
 */
export function mongoHeldNotices({ OutboxMessage }: Pick<Models, 'OutboxMessage'>): HeldNotices {
  async function eachHeld(key: string, now: Date, update: Record<string, unknown>) {
    for (let i = 0; i < MAX_RECIPIENTS; i++) {
      const done = await OutboxMessage.updateOne({ _id: keyedId('mail', mailKey(key, i)), status: 'pending', attempts: 0, nextAttemptAt: { $gt: now } }, { $set: update });
      if (!done.matchedCount) return;
    }
  }
  return {
    release: (key, now) => eachHeld(key, now, { nextAttemptAt: now, createdAt: now }),
    withdraw: (key, now) => eachHeld(key, now, { status: 'withdrawn', expiresAt: new Date(now.getTime() + KEEP_WITHDRAWN_MS) }),
  };
}

export function mongoOwnerLookup({ User }: Pick<Models, 'User'>): OwnerLookup {
  return async (storeId) => {
    const store = oid(storeId);
    const owner = store && (await User.findOne({ storeId: store, role: 'owner' }).sort({ _id: 1 }).lean<UserDoc>());
    return owner ? toUserView(owner) : undefined;
  };
}

/** Counted up to this many: beyond it the number only says "a lot", and the count stays cheap. */
const BACKLOG_COUNT_CAP = 10_000;

/**
 * The backlog for monitoring: deliveries of every kind whose time to go has come and that have not gone (counted up
 * to a cap, retries included), and when the oldest of them was due. A held notice is not backlog before its time.
 */
export function mongoOutboxBacklog({ OutboxMessage }: Pick<Models, 'OutboxMessage'>) {
  return async (now: Date): Promise<{ pending: number; oldestCreatedAt: Date | null }> => {
    const due = { status: 'pending' as const, createdAt: { $lte: now } };
    const [pending, oldest] = await Promise.all([
      OutboxMessage.countDocuments(due, { limit: BACKLOG_COUNT_CAP }),
      // {status, createdAt} index: one index entry on MongoDB
      OutboxMessage.findOne(due, { createdAt: 1 }).sort({ createdAt: 1 }).lean(),
    ]);
    return { pending, oldestCreatedAt: oldest?.createdAt ?? null };
  };
}
