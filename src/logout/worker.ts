// The back-channel logout worker (B16): polls due deliveries, claims each attempt once across all instances, sends the
// signed logout token, retries with backoff and gives up after MAX_ATTEMPTS; every delivery and failure is audited.
import type { Logger } from 'pino';
import type { AuditRecorder } from '../services/audit/index.js';
import { retryDelayMs, KEEP_SENT_MS } from '../mail/worker.js';
import { CLAIM_LEASE_MS, claimAttempt, drainLoop, type DrainLoop, type DrainResult } from '../outbox/drain-loop.js';
import type { LogoutOutboxPort, PendingLogout } from './ports.js';

/** 12 attempts over about 1 h 20 min (5 s doubling, at most 15 min apart); an RP down longer has lost that session anyway. */
export const MAX_ATTEMPTS = 12;
export type LogoutDeliveryResult = DrainResult;
export type LogoutWorker = DrainLoop;

export interface LogoutWorkerDeps {
  outbox: LogoutOutboxPort;
  /** signs and POSTs the logout token; throws unless the client answered 200 or 204 */
  deliver(target: PendingLogout): Promise<void>;
  /** the account's store, so the event shows in that store's audit log */
  storeOf(accountId: string): Promise<string | undefined>;
  audit: AuditRecorder;
  logger: Logger;
  clock?: () => Date;
  pollMs?: number;
}

export function createLogoutWorker(deps: LogoutWorkerDeps): LogoutWorker {
  const clock = deps.clock ?? (() => new Date());

  async function record(type: string, d: PendingLogout, details: Record<string, unknown>) {
    const storeId = await deps.storeOf(d.accountId).catch(() => undefined);
    await deps.audit.record({ type, userId: d.accountId, storeId: storeId ?? null, details: { clientId: d.clientId, sid: d.sid, ...details }, key: `${type}:${d.id}:${details.attempt}` });
  }

  async function attempt(d: PendingLogout): Promise<'sent' | 'failed' | 'skipped'> {
    const now = clock();
    const n = await claimAttempt(deps.outbox, d, now);
    if (n === undefined) return 'skipped';
    await deps.outbox.hold(d.id, n, new Date(now.getTime() + CLAIM_LEASE_MS));
    try {
      await deps.deliver(d);
    } catch (err) {
      const error = (err as Error).message ?? String(err);
      const done = clock();
      if (n + 1 >= MAX_ATTEMPTS) {
        await deps.outbox.markAbandoned(d.id, n, done, new Date(done.getTime() + KEEP_SENT_MS), error);
        await record('logout.backchannel_abandoned', d, { attempt: n + 1, error });
        deps.logger.warn({ logoutId: d.id, clientId: d.clientId, attempt: n + 1, error }, 'back-channel logout given up');
        return 'failed';
      }
      const next = new Date(done.getTime() + retryDelayMs(n + 1));
      await deps.outbox.markFailed(d.id, n, next, error);
      await record('logout.backchannel_failed', d, { attempt: n + 1, error, nextAttemptAt: next.toISOString() });
      deps.logger.warn({ logoutId: d.id, clientId: d.clientId, attempt: n + 1, nextAttemptAt: next, error }, 'back-channel logout not accepted; will retry');
      return 'failed';
    }
    const sentAt = clock();
    await deps.outbox.markSent(d.id, sentAt, new Date(sentAt.getTime() + KEEP_SENT_MS));
    await record('logout.backchannel_sent', d, { attempt: n + 1 });
    deps.logger.info({ logoutId: d.id, clientId: d.clientId, attempt: n + 1 }, 'back-channel logout delivered');
    return 'sent';
  }

  return drainLoop({ due: (now, limit, skip) => deps.outbox.due(now, limit, skip), attempt, clock, pollMs: deps.pollMs ?? 2_000, logger: deps.logger, name: 'logout outbox' });
}
