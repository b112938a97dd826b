// The one outbox worker loop (B6, B16): claims each due delivery's attempt once across all instances, hands it to its
// kind to send, then marks it sent, retries it with backoff, or gives up where the kind says so.
import type { Logger } from 'pino';
import { CLAIM_LEASE_MS, claimAttempt, drainLoop, type DrainLoop } from './drain-loop.js';
import type { OutboxKind, OutboxPort, PendingDelivery } from './ports.js';

const RETRY_BASE_MS = 5_000;
export const RETRY_CAP_MS = 15 * 60_000;
/** Done deliveries are kept this long (support can see what went out), then swept. */
export const KEEP_DONE_MS = 30 * 86_400_000;

/** Delay before attempt n+1 after n failed attempts: 5 s, 10 s, 20 s ... capped at 15 min. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1), RETRY_CAP_MS);
}

export type DeliveryOutcome =
  | { outcome: 'sent'; attempt: number }
  | { outcome: 'failed'; attempt: number; error: string; nextAttemptAt: Date }
  | { outcome: 'abandoned'; attempt: number; error: string };

/** What a kind of delivery decides for itself. */
export interface DeliveryKind<K extends OutboxKind> {
  kind: K;
  /** Sends one delivery; throws when the receiver did not accept it. */
  deliver(item: PendingDelivery<K>): Promise<void>;
  /** The failure as logged and stored (never an address or a body). */
  describe(err: unknown): string;
  /** Attempts after which a delivery is given up; undefined: retried for ever. */
  maxAttempts?: number;
  /** Logs and audits an attempt's outcome. */
  report(item: PendingDelivery<K>, result: DeliveryOutcome): Promise<void>;
}

export function outboxWorker<K extends OutboxKind>(deps: {
  outbox: OutboxPort<K>;
  kind: DeliveryKind<K>;
  logger: Logger;
  clock?: () => Date;
  /** how often it polls (default 2 s) */
  pollMs?: number;
}): DrainLoop {
  const { outbox, kind, clock = () => new Date() } = deps;

  async function attempt(item: PendingDelivery<K>): Promise<'sent' | 'failed' | 'skipped'> {
    // claims, holds and retry times use the clock even when a drain looks ahead (drain({ now }))
    const now = clock();
    const n = await claimAttempt(outbox, item, now);
    if (n === undefined) return 'skipped';
    await outbox.hold(item.id, n, new Date(now.getTime() + CLAIM_LEASE_MS));
    try {
      await kind.deliver(item);
    } catch (err) {
      const error = kind.describe(err);
      const done = clock();
      if (kind.maxAttempts !== undefined && n + 1 >= kind.maxAttempts) {
        await outbox.markAbandoned(item.id, n, done, new Date(done.getTime() + KEEP_DONE_MS), error);
        await kind.report(item, { outcome: 'abandoned', attempt: n + 1, error });
      } else {
        const nextAttemptAt = new Date(done.getTime() + retryDelayMs(n + 1));
        await outbox.markFailed(item.id, n, nextAttemptAt, error);
        await kind.report(item, { outcome: 'failed', attempt: n + 1, error, nextAttemptAt });
      }
      return 'failed';
    }
    const sentAt = clock();
    await outbox.markSent(item.id, sentAt, new Date(sentAt.getTime() + KEEP_DONE_MS));
    await kind.report(item, { outcome: 'sent', attempt: n + 1 });
    return 'sent';
  }

  return drainLoop({ due: (now, limit, skip) => outbox.due(now, limit, skip), attempt, clock, pollMs: deps.pollMs ?? 2_000, logger: deps.logger, name: `${kind.kind} outbox` });
}
