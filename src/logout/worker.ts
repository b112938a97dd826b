// Back-channel logout's kind of outbox delivery (B16): the signed logout token POSTed to the client, given up after
// MAX_ATTEMPTS; every delivery, failure and give-up is audited in the user's store.
import type { Logger } from 'pino';
import type { AuditRecorder } from '../services/audit/index.js';
import type { DrainLoop } from '../outbox/drain-loop.js';
import type { OutboxPort, PendingDelivery } from '../outbox/ports.js';
import { outboxWorker } from '../outbox/worker.js';

/** 12 attempts over about 1 h 20 min (5 s doubling, at most 15 min apart); an RP down longer has lost that session anyway. */
const MAX_ATTEMPTS = 12;
export type LogoutWorker = DrainLoop;
export type PendingLogout = PendingDelivery<'logout'>;

export interface LogoutWorkerDeps {
  outbox: OutboxPort<'logout'>;
  /** signs and POSTs the logout token; throws unless the client answered 200 or 204 */
  deliver(target: PendingLogout): Promise<void>;
  /** the account's store, so the event shows in that store's audit log */
  storeOf(accountId: string): Promise<string | undefined>;
  audit: AuditRecorder;
  logger: Logger;
  clock?: () => Date;
  pollMs?: number;
}

const AUDIT_TYPES = { sent: 'logout.backchannel_sent', failed: 'logout.backchannel_failed', abandoned: 'logout.backchannel_abandoned' };
const MESSAGES = { sent: 'back-channel logout delivered', failed: 'back-channel logout not accepted; will retry', abandoned: 'back-channel logout given up' };

export function createLogoutWorker(deps: LogoutWorkerDeps): LogoutWorker {
  return outboxWorker({
    ...deps,
    kind: {
      kind: 'logout',
      deliver: deps.deliver,
      describe: (err) => (err as Error).message ?? String(err),
      maxAttempts: MAX_ATTEMPTS,
      async report(d, { outcome, ...details }) {
        const type = AUDIT_TYPES[outcome];
        const storeId = await deps.storeOf(d.accountId).catch(() => undefined);
        const audited = 'nextAttemptAt' in details ? { ...details, nextAttemptAt: details.nextAttemptAt.toISOString() } : details;
        await deps.audit.record({ type, userId: d.accountId, storeId: storeId ?? null, details: { clientId: d.clientId, sid: d.sid, ...audited }, key: `${type}:${d.id}:${details.attempt}` });
        const line = { logoutId: d.id, clientId: d.clientId, ...details };
        if (outcome === 'sent') deps.logger.info(line, MESSAGES[outcome]);
        else deps.logger.warn(line, MESSAGES[outcome]);
      },
    },
  });
}
