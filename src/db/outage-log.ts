// One warning per database outage instead of a line (with Go frames) for every request and poll that met it: the first
// failure is logged with a short reason; later ones are counted and named in the next warning, which comes only after
// a quiet spell (a new outage) or as a reminder while a long one lasts.
import type { Logger } from 'pino';
import { databaseReason, isDatabaseUnavailable } from './unavailable.js';

/** No failure for this long ends an outage: the next one is logged again. */
export const QUIET_MS = 30_000;
/** While an outage lasts, a reminder with the count this often. */
export const REMIND_MS = 5 * 60_000;

export interface OutageLog {
  /** A database failure met by `where` (a route, a worker). */
  report(err: unknown, where: string): void;
}

const logs = new WeakMap<Logger, OutageLog>();

/** The outage log of `logger` (one per process and logger, shared by the requests and the workers that use it). */
export function outageLog(logger: Logger, now: () => number = Date.now): OutageLog {
  const existing = logs.get(logger);
  if (existing) return existing;
  let lastFailure = Number.NEGATIVE_INFINITY;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let unreported = 0;
  const log: OutageLog = {
    report(err, where) {
      const t = now();
      const fresh = t - lastFailure > QUIET_MS;
      lastFailure = t;
      if (!fresh && t - lastWarning < REMIND_MS) {
        unreported++;
        logger.debug({ where, reason: databaseReason(err) }, 'database unavailable');
        return;
      }
      logger.warn(
        { where, reason: databaseReason(err), ...(fresh ? {} : { failuresSinceLastWarning: unreported }) },
        fresh ? 'database unavailable: answering 503 until it is back' : 'database still unavailable',
      );
      lastWarning = t;
      unreported = 0;
    },
  };
  logs.set(logger, log);
  return log;
}

/** Reports `err` to the outage log when it is a database outage (true), so callers log only their other failures. */
export function reportedOutage(logger: Logger, err: unknown, where: string): boolean {
  if (!isDatabaseUnavailable(err)) return false;
  outageLog(logger).report(err, where);
  return true;
}
