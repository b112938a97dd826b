// The provider's waits on this test file's time (./test-clock.ts): a waiting request resumes once every request in
// flight is waiting too (as a real wait lets the others finish first); then the clock jumps to the earliest end.
import type { Server } from 'node:http';
import { testTime } from './test-clock.js';

let inFlight = 0;
const sleepers: { at: number; wake: () => void }[] = [];

function wakeWhenIdle() {
  if (!sleepers.length || sleepers.length < inFlight) return;
  const earliest = Math.min(...sleepers.map((s) => s.at));
  testTime.later(Math.max(0, earliest - testTime.now().getTime()));
  const now = testTime.now().getTime();
  for (const s of sleepers.filter((s) => s.at <= now)) {
    sleepers.splice(sleepers.indexOf(s), 1);
    s.wake();
  }
}

/** createApp's sleepUntil for services on `clock` (testTime, or a clock moved along with it). */
export function sleepUntilOn(clock: () => Date) {
  return (at: Date) =>
    new Promise<void>((wake) => {
      sleepers.push({ at: testTime.now().getTime() + at.getTime() - clock().getTime(), wake });
      wakeWhenIdle();
    });
}

/** Counts the server's requests in flight. */
export function countRequests(server: Server) {
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      wakeWhenIdle();
    });
  });
}
