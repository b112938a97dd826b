// Time in tests: clocks that move when a test (or its authenticator app) says so, never by waiting on the wall clock.

export interface TestClock {
  now(): Date;
  /** Moves this clock's time forward (or back, with a negative value). */
  later(ms: number): void;
  /** How far this clock has been moved from real time. */
  moved(): number;
}

/** Real time plus an offset the test moves. */
export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    later(ms) {
      offset += ms;
    },
    moved: () => offset,
  };
}

/**
 * This test file's time (node --test runs each file in a process of its own): the default clock of every stack
 * (./stack.ts) and of the authenticator apps (./totp-device.ts), which move it on to the next time step.
 */
export const testTime = testClock();

/** A test's own clock function, moved along with testTime (so an authenticator app moving time moves it too). */
export function alongTestTime(clock: () => Date): () => Date {
  if (clock === testTime.now) return clock;
  return () => new Date(clock().getTime() + testTime.moved());
}
