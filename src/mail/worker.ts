// The outbox worker (B6): polls due messages, claims each attempt once across all instances, sends, retries with backoff.
import type { Logger } from 'pino';
import type { OutboxPort, PendingMessage } from './ports.js';
import type { MailSender } from './transport.js';

export const RETRY_BASE_MS = 5_000;
export const RETRY_CAP_MS = 15 * 60_000;
/** A claim older than this belongs to a worker that died mid-send (sends time out well before: see transport.ts). */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** Sent messages are kept this long (support can see what went out), then swept. */
export const KEEP_SENT_MS = 30 * 86_400_000;
const BATCH = 50;

/** Delay before attempt n+1 after n failed attempts: 5 s, 10 s, 20 s ... capped at 15 min, retried for ever. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1), RETRY_CAP_MS);
}

export interface DrainResult {
  sent: number;
  failed: number;
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
  const pollMs = deps.pollMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  // Exactly one worker wins the marker of (message, attempt); the others skip it. A claim is only taken over when it
  // is older than the lease, i.e. its worker died: then the attempt is skipped and the next one claimed the same way.
  async function claim(m: PendingMessage, now: Date): Promise<number | undefined> {
    if (await deps.outbox.claim(m.id, m.attempts, now)) return m.attempts;
    const at = await deps.outbox.claimedAt(m.id, m.attempts);
    if (at && now.getTime() - at.getTime() < CLAIM_LEASE_MS) return undefined;
    // our copy of the message may be old (a long drain): go on only if it is still pending at the next attempt
    if (!(await deps.outbox.skipAttempt(m.id, m.attempts, now))) return undefined;
    return (await deps.outbox.claim(m.id, m.attempts + 1, now)) ? m.attempts + 1 : undefined;
  }

  async function attempt(m: PendingMessage): Promise<'sent' | 'failed' | 'skipped'> {
    // claims, holds and retry times use the real clock even when a drain looks ahead (drain({ now }))
    const now = clock();
    const n = await claim(m, now);
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

  async function drain(opts: { now?: Date } = {}): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0 };
    const seen: string[] = [];
    // each message at most once per drain, so a failing one cannot keep a drain busy
    for (;;) {
      const now = opts.now ?? clock();
      const batch = await deps.outbox.due(now, BATCH, seen);
      if (!batch.length) return result;
      for (const m of batch) {
        seen.push(m.id);
        const outcome = await attempt(m);
        if (outcome === 'sent') result.sent++;
        else if (outcome === 'failed') result.failed++;
      }
    }
  }

  const poll = async () => {
    if (stopped) return;
    running = drain().catch((err: Error) => deps.logger.error({ err: { message: err.message } }, 'outbox poll failed'));
    await running;
    running = undefined;
    if (!stopped) timer = setTimeout(() => void poll(), pollMs).unref();
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
      deps.sender.close();
    },
  };
}
