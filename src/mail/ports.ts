// What the mail notifier and the outbox worker need from storage: the outbox itself and the store owner lookup.
import type { UserView } from '../services/account/users.js';

/** A fully rendered email, ready to be written to the outbox. */
export interface NewOutboxMessage {
  type: string;
  userId: string | null;
  storeId: string | null;
  to: string;
  locale: string;
  subject: string;
  text: string;
  html: string;
}

/** A pending message as the worker sees it. */
export interface PendingMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
}

export interface OutboxPort {
  /** One insert for all recipients of one change, due immediately (or at `sendAt`: held back until then). */
  /** With `key`, the messages are queued once however often this is called with that key. */
  enqueue(messages: NewOutboxMessage[], now: Date, key?: string, sendAt?: Date): Promise<string[]>;
  /** Pending messages whose next attempt is due, oldest first, skipping `exclude`. */
  due(now: Date, limit: number, exclude: string[]): Promise<PendingMessage[]>;
  /** Consume-once claim of one attempt (unique marker insert): true for exactly one caller. */
  claim(id: string, attempt: number, now: Date): Promise<boolean>;
  /** When the claim of this attempt was made, if it exists. */
  claimedAt(id: string, attempt: number): Promise<Date | undefined>;
  /** Hides a claimed message from other workers until `until` (they would skip it anyway; this saves them the work). */
  hold(id: string, attempt: number, until: Date): Promise<void>;
  /**
   * Moves a message whose claim went stale (its worker died) to the next attempt; idempotent. True when the message
   * is now pending at attempt + 1; false when it moved on meanwhile (sent, or retried by someone else).
   */
  skipAttempt(id: string, attempt: number, now: Date): Promise<boolean>;
  markSent(id: string, at: Date, keepUntil: Date): Promise<void>;
  markFailed(id: string, attempt: number, nextAttemptAt: Date, error: string): Promise<void>;
}

/** The store owner, who receives notifications for users without an email address (S4). */
export type OwnerLookup = (storeId: string) => Promise<UserView | undefined>;
