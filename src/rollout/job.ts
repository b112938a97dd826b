// The MFA roll-out's periodic job (B21): every instance runs it hourly; idempotency keys keep each email to one send.
import type { Logger } from 'pino';
import type { Services } from '../container.js';
import { reportedOutage } from '../db/outage-log.js';

export const ROLLOUT_JOB_EVERY_MS = 60 * 60 * 1000;

export function startRolloutJob(services: Pick<Services, 'rollout'>, logger: Logger, everyMs = ROLLOUT_JOB_EVERY_MS): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = services.rollout
      .runSchedule()
      .catch((err: Error) => {
        if (!reportedOutage(logger, err, 'MFA roll-out job')) logger.warn({ err: { message: err.message } }, 'MFA roll-out job failed; it runs again later');
      })
      .finally(() => {
        running = undefined;
      });
  };
  // a first pass soon after start, so a restart never skips a day's reminders
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
