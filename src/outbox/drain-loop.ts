// The outbox workers' claim per (item, attempt) across all instances, with
// a lease for dead workers, and the poll loop that drains what is due, each item at most once per drain.
import type { Logger } from 'pino';
import { reportedOutage } from '../db/outage-log.js';

/** A claim older than this belongs to a worker that died mid-send (sends time out well before). */
export const CLAIM_LEASE_MS = 5 * 60_000;

export interface AttemptClaims {
  claim(id: string, attempt: number, now: Date): Promise<boolean>;
  claimedAt(id: string, attempt: number): Promise<Date | undefined>;
  /** moves a pending item past `attempt`; false when it is no longer pending at that attempt */
  skipAttempt(id: string, attempt: number, now: Date): Promise<boolean>;
}

/**
 * Exactly one worker wins the marker of (item, attempt); the others skip it. A claim is only taken over when it is
 * older than the lease, i.e. its worker died: then the attempt is skipped and the next one claimed the same way.
 * Returns the attempt number won, or undefined.
 */
export async function claimAttempt(claims: AttemptClaims, item: { id: string; attempts: number }, now: Date): Promise<number | undefined> {
  if (await claims.claim(item.id, item.attempts, now)) return item.attempts;
  const at = await claims.claimedAt(item.id, item.attempts);
  if (at && now.getTime() - at.getTime() < CLAIM_LEASE_MS) return undefined;
  // our copy of the item may be old (a long drain): go on only if it is still pending at the next attempt
  if (!(await claims.skipAttempt(item.id, item.attempts, now))) return undefined;
  return (await claims.claim(item.id, item.attempts + 1, now)) ? item.attempts + 1 : undefined;
}

export interface DrainResult {
  sent: number;
  failed: number;
}

export interface DrainLoop {
  /** Starts polling every pollMs (the first poll at once). */
  start(): void;
  /** Tries every item due at `now` (default: the clock; later values look ahead past backoff) once. */
  drain(opts?: { now?: Date }): Promise<DrainResult>;
  /** Stops polling and waits for a running poll. */
  stop(): Promise<void>;
}

export function drainLoop<T extends { id: string }>(deps: {
  due(now: Date, limit: number, skip: string[]): Promise<T[]>;
  attempt(item: T): Promise<'sent' | 'failed' | 'skipped'>;
  clock: () => Date;
  pollMs: number;
  logger: Logger;
  /** for the log line of a failed poll */
  name: string;
}): DrainLoop {
  const BATCH = 50;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function drain(opts: { now?: Date } = {}): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0 };
    const seen: string[] = [];
    // each item at most once per drain, so a failing one cannot keep a drain busy
    for (;;) {
      const batch = await deps.due(opts.now ?? deps.clock(), BATCH, seen);
      if (!batch.length) return result;
      for (const item of batch) {
        seen.push(item.id);
        const outcome = await deps.attempt(item);
        if (outcome === 'sent') result.sent++;
        else if (outcome === 'failed') result.failed++;
      }
    }
  }

  const poll = async () => {
    if (stopped) return;
    running = drain().catch((err: Error) => {
      if (!reportedOutage(deps.logger, err, deps.name)) deps.logger.error({ err: { message: err.message } }, `${deps.name} poll failed`);
    });
    await running;
    running = undefined;
    if (!stopped) timer = setTimeout(() => void poll(), deps.pollMs).unref();
  };

  return {
    start() {
      if (timer || running || stopped) return;
      void poll();
    },
    drain,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
