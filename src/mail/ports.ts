// What the mail notifier needs besides the outbox (src/outbox/ports.ts): the store owner lookup, the keys of its emails.
import type { UserView } from '../services/account/users.js';

/** The store owner, who receives notifications for users without an email address (S4). */
export type OwnerLookup = (storeId: string) => Promise<UserView | undefined>;

/** The outbox key of the i-th email of a notification queued under `key` (held notices find them by it). */
export const mailKey = (key: string, i: number) => `${key}:${i}`;
