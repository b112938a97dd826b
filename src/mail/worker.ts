// The outbox worker (B6): polls due messages, claims each attempt once across all instances, sends, retries with backoff.
import type { Logger } from 'pino';
import type { OutboxPort, PendingMessage } from './ports.js';
import type { MailSender } from './transport.js';
import { CLAIM_LEASE_MS, claimAttempt, drainLoop, type DrainResult } from '../outbox/drain-loop.js';

export { CLAIM_LEASE_MS, type DrainResult };

export const RETRY_BASE_MS = 5_000;
export const RETRY_CAP_MS = 15 * 60_000;
/** Sent messages are kept this long (support can see what went out), then swept. */
export const KEEP_SENT_MS = 30 * 86_400_000;

/** Delay before attempt n+1 after n failed attempts: 5 s, 10 s, 20 s ... capped at 15 min, retried for ever. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1), RETRY_CAP_MS);
}

export interface OutboxWorker {
  /** Starts polling every pollMs (the first poll at once). */
  start(): void;
  /** Tries every message due at `now` (default: the clock; later values look ahead past backoff) once; returns what this worker did. */
  drain(opts?: { now?: Date }): Promise<DrainResult>;
  /** Stops polling, waits for a running poll, closes the transport. */
  stop(): Promise<void>;
}

export interface OutboxWorkerDeps {
  outbox: OutboxPort;
  sender: MailSender;
  logger: Logger;
  clock?: () => Date;
  pollMs?: number;
  /** Domain of the Message-IDs (stable per message). */
  messageIdDomain: string;
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const clock = deps.clock ?? (() => new Date());

  async function attempt(m: PendingMessage): Promise<'sent' | 'failed' | 'skipped'> {
    // claims, holds and retry times use the real clock even when a drain looks ahead (drain({ now }))
    const now = clock();
    const n = await claimAttempt(deps.outbox, m, now);
    if (n === undefined) return 'skipped';
    await deps.outbox.hold(m.id, n, new Date(now.getTime() + CLAIM_LEASE_MS));
    try {
      await deps.sender.send({ messageId: `<${m.id}@${deps.messageIdDomain}>`, to: m.to, subject: m.subject, text: m.text, html: m.html });
    } catch (err) {
      const e = err as { message?: string; responseCode?: number; code?: string };
      const error = [e.responseCode ?? e.code, e.message].filter(Boolean).join(' ');
      const next = new Date(now.getTime() + retryDelayMs(n + 1));
      await deps.outbox.markFailed(m.id, n, next, error);
      // no address, subject or body in the log: the body may carry a verify link
      deps.logger.warn({ outboxId: m.id, attempt: n + 1, nextAttemptAt: next, error }, 'email not accepted; will retry');
      return 'failed';
    }
    const sentAt = clock();
    await deps.outbox.markSent(m.id, sentAt, new Date(sentAt.getTime() + KEEP_SENT_MS));
    deps.logger.info({ outboxId: m.id, attempt: n + 1 }, 'email sent');
    return 'sent';
  }

  const loop = drainLoop({ due: (now, limit, skip) => deps.outbox.due(now, limit, skip), attempt, clock, pollMs: deps.pollMs ?? 2_000, logger: deps.logger, name: 'outbox' });
  return {
    start: loop.start,
    drain: loop.drain,
    async stop() {
      await loop.stop();
      deps.sender.close();
    },
  };
}
