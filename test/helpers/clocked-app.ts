// An authenticator app on a test's own clock (./test-clock.ts): each code is of a time step not used before, so no
// test waits for the next step.
import assert from 'node:assert/strict';
import { createTotp } from '../../src/services/totp/index.js';
import type { Stack } from './stack.js';
import type { TestClock } from './test-clock.js';

export { testClock, type TestClock } from './test-clock.js';

export interface ClockedApp {
  secret: string;
  /** A code of a step the server still takes: the clock moves on a step at a time until one is. */
  code(): string;
  /** The code `steps` time steps from now (no step bookkeeping). */
  codeAt(steps: number): string;
  /** The twelve recovery codes shown at enrolment. */
  recoveryCodes: string[];
}

/** Sets an authenticator app up for the user through the real service, confirmed with a code of `clock`. */
export async function enrolOnClock(stack: Stack, clock: TestClock, userId: string, storePrefix: string, username: string): Promise<ClockedApp> {
  const totp = createTotp({ clock: clock.now, issuer: 'test' });
  const factor = stack.services.factors.totp;
  const pending = factor.newPendingSecret();
  const secret = new URL((await factor.describePending(pending, storePrefix, username)).otpauthUri).searchParams.get('secret') ?? '';
  // accepting step s also uses up s-1 and s-2 (src/services/totp/verifier.ts)
  const used = new Set<number>();
  const step = () => Math.floor(clock.now().getTime() / 30_000);
  const code = () => {
    while ([0, 1, 2].some((back) => used.has(step() + back))) clock.later(30_000);
    used.add(step());
    return totp.currentCode(secret, clock.now());
  };
  const done = await factor.confirmEnrolment(userId, pending, code(), { actorId: userId }, await stack.grant(userId));
  assert.ok(done.ok, 'enrolled');
  return { secret, code, codeAt: (steps) => totp.currentCode(secret, new Date(clock.now().getTime() + steps * 30_000)), recoveryCodes: done.ok ? done.codes : [] };
}
