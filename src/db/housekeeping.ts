// Runs the expiry sweep in the background of every instance; the lease lets one of them work at a time.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Models } from '../models/index.js';
import { createSweepLease, type LeaseClaim } from './sweep-lease.js';
import { createSweeper, type PendingCodes } from './sweeper.js';
import { reportedOutage } from './outage-log.js';

const RETRY_AFTER_ERROR_MS = 30_000;

export interface HousekeepingOptions {
  models: Models;
  /** the consume-once marker insert (src/models/stores/consume-once.ts) */
  claim: LeaseClaim;
  clock: () => Date;
  logger: Logger;
  codes?: PendingCodes;
}

export function startHousekeeping(opts: HousekeepingOptions): { stop(): Promise<void> } {
  const owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const sweeper = createSweeper({ models: opts.models, lease: createSweepLease({ claim: opts.claim, owner }), clock: opts.clock, codes: opts.codes });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run();
    }, ms);
    timer.unref();
  };
  const run = async () => {
    try {
      const { delayMs } = await sweeper.step();
      schedule(delayMs);
    } catch (err) {
      if (!reportedOutage(opts.logger, err, 'expiry sweep')) opts.logger.error({ err: { message: (err as Error).message } }, 'expiry sweep failed; it tries again in 30 s');
      schedule(RETRY_AFTER_ERROR_MS);
    }
  };
  schedule(1_000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
