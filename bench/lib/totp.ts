// TOTP codes for a driver that never repeat a time step per user (servers reject a reused step), waiting when needed.
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSync } from 'otplib';

export interface TotpPolicy {
  /** seconds per step (30) */
  period: number;
  digits: number;
  /** steps the server accepts after the current one (1 for Keycloak's look-around and our one step of skew) */
  lookAround: number;
}

export const RFC6238_DEFAULT: TotpPolicy = { period: 30, digits: 6, lookAround: 1 };

export interface TotpSource {
  /** A code for a step this user has not used yet and that the server's window accepts now. */
  nextCode(username: string, base32Secret: string): Promise<string>;
  /** How often and how long nextCode had to wait for a step to open, since the source was made. */
  waits(): { count: number; ms: number };
}

export function createTotpSource(policy: TotpPolicy = RFC6238_DEFAULT, now: () => number = Date.now): TotpSource {
  const lastStep = new Map<string, number>();
  let waitCount = 0;
  let waitMs = 0;

  async function nextCode(username: string, secret: string): Promise<string> {
    for (;;) {
      const current = Math.floor(now() / 1000 / policy.period);
      const step = Math.max(current, (lastStep.get(username) ?? -1) + 1);
      if (step <= current + policy.lookAround) {
        // Reserved synchronously, so concurrent sign-ins of one user get different steps.
        lastStep.set(username, step);
        return generateSync({ secret, digits: policy.digits, period: policy.period, algorithm: 'sha1', epoch: step * policy.period });
      }
      // Every acceptable step is taken: wait for the step that brings `step` into the window.
      const opensAt = (step - policy.lookAround) * policy.period * 1000;
      const delay = Math.max(opensAt - now(), 0) + 5;
      waitCount++;
      waitMs += delay;
      await sleep(delay);
    }
  }

  return { nextCode, waits: () => ({ count: waitCount, ms: waitMs }) };
}
