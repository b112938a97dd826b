// Replay-proof TOTP verification: a matching code is accepted only if its time step can be claimed (B1; checklist 30, 31).
import type { Totp } from './totp.js';

/**
 * Port implemented by the user store. `claimStep` must atomically record `step` as the user's
 * last accepted TOTP step only if it is greater than the one stored (one conditional update),
 * and return whether it did. Concurrent duplicates must yield exactly one `true`.
 */
export interface TotpStepStore {
  claimStep(userId: string, step: number): Promise<boolean>;
}

export type TotpVerdict = 'ok' | 'invalid' | 'replayed';

export interface TotpVerifier {
  verify(userId: string, secret: string, code: string): Promise<TotpVerdict>;
}

export function createTotpVerifier(deps: { totp: Totp; steps: TotpStepStore }): TotpVerifier {
  return {
    async verify(userId, secret, code) {
      const step = deps.totp.matchStep(secret, code);
      if (step === null) return 'invalid';
      return (await deps.steps.claimStep(userId, step)) ? 'ok' : 'replayed';
    },
  };
}
