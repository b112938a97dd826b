// The one durable outbox (B6, B16) as its workers and writers see it: every kind of delivery shares one store, one
// document shape and one claim rule; a kind adds only its payload, its way of sending and when it gives up.

/** A rendered email (src/mail). */
export interface MailPayload {
  type: string;
  userId: string | null;
  storeId: string | null;
  to: string;
  locale: string;
  subject: string;
  text: string;
  html: string;
}

/** A back-channel logout token to sign and POST (src/logout): one per client and ended session. */
export interface LogoutPayload {
  clientId: string;
  /** the logout token's sub: our account id */
  accountId: string;
  sid: string | null;
}

export interface OutboxPayloads {
  mail: MailPayload;
  logout: LogoutPayload;
}
export type OutboxKind = keyof OutboxPayloads;

/** What a writer queues: with `key`, the item is queued once however often it is written (a duplicate is success). */
export type NewDelivery<K extends OutboxKind> = OutboxPayloads[K] & { key?: string };

/** A pending delivery as a worker sees it. */
export type PendingDelivery<K extends OutboxKind> = OutboxPayloads[K] & { id: string; attempts: number };

/** One kind's view of the outbox. */
export interface OutboxPort<K extends OutboxKind> {
  /** One insert for all items of one change, due at `now` (or held until `sendAt`); returns their ids. */
  enqueue(items: NewDelivery<K>[], now: Date, sendAt?: Date): Promise<string[]>;
  /** Pending items of this kind whose next attempt is due, oldest first, skipping `exclude`. */
  due(now: Date, limit: number, exclude: string[]): Promise<PendingDelivery<K>[]>;
  /** Consume-once claim of one attempt (unique marker insert): true for exactly one caller. */
  claim(id: string, attempt: number, now: Date): Promise<boolean>;
  /** When the claim of this attempt was made, if it exists. */
  claimedAt(id: string, attempt: number): Promise<Date | undefined>;
  /** Hides a claimed item from other workers until `until` (they would skip it anyway; this saves them the work). */
  hold(id: string, attempt: number, until: Date): Promise<void>;
  /**
   * Moves an item whose claim went stale (its worker died) to the next attempt; idempotent. True when the item is
   * now pending at attempt + 1; false when it moved on meanwhile (sent, or retried by someone else).
   */
  skipAttempt(id: string, attempt: number, now: Date): Promise<boolean>;
  markSent(id: string, at: Date, keepUntil: Date): Promise<void>;
  markFailed(id: string, attempt: number, nextAttemptAt: Date, error: string): Promise<void>;
  /** Given up after its last attempt: kept a while for support, like a sent one, then swept. */
  markAbandoned(id: string, attempt: number, at: Date, keepUntil: Date, error: string): Promise<void>;
}
