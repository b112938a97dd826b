// The provider's waits on a test clock: a waiting request resumes when every request in flight is waiting too (as
// a real wait lets the others finish first), and then the clock jumps to the earliest end instead of time passing.
import type { Server } from 'node:http';
import type { AppClock } from './totp-device.js';

export interface IdleWaits {
  /** For createApp's sleepUntil. */
  sleepUntil(at: Date): Promise<void>;
  /** Counts the server's requests in flight. */
  watch(server: Server): void;
}

export function idleWaits(time: AppClock): IdleWaits {
  let inFlight = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  const wakeWhenIdle = () => {
    if (!sleepers.length || sleepers.length < inFlight) return;
    const earliest = Math.min(...sleepers.map((s) => s.at));
    time.later(Math.max(0, earliest - time.now().getTime()));
    const now = time.now().getTime();
    for (const s of sleepers.filter((s) => s.at <= now)) {
      sleepers.splice(sleepers.indexOf(s), 1);
      s.wake();
    }
  };
  return {
    sleepUntil: (at) =>
      new Promise<void>((wake) => {
        sleepers.push({ at: at.getTime(), wake });
        wakeWhenIdle();
      }),
    watch(server) {
      server.on('request', (_req, res) => {
        inFlight++;
        res.once('close', () => {
          inFlight--;
          wakeWhenIdle();
        });
      });
    },
  };
}
