// Replay-proof TOTP verification (B1; checklist 30, 31): a matching code of step s is accepted only by claiming s,
// together with s-1 and s-2, the older steps a one-step window could still accept. After s is accepted no code of
// a step <= s works again, and concurrent duplicates give exactly one success. The claims share one command with
// the attempt's throttle slot (src/services/throttle/guard.ts), which comes first.
import type { Marker } from '../throttle/guard.js';
import type { Totp } from './totp.js';

export type TotpVerdict = 'ok' | 'invalid' | 'replayed' | 'busy';

/** Claims the attempt's slot, then `markers` in order; returns how many of [slot, ...markers] it claimed. */
export type ClaimWithSlot = (markers?: Marker[]) => Promise<number>;

export interface TotpVerifier {
  verify(userId: string, secret: string, code: string, claim: ClaimWithSlot): Promise<TotpVerdict>;
}

const STEP_MS = 30_000;

export const stepMarker = (userId: string, step: number): Marker => ({ key: `totp:${userId}:${step}`, expiresAt: new Date((step + 3) * STEP_MS) });

export function createTotpVerifier(deps: { totp: Totp }): TotpVerifier {
  return {
    async verify(userId, secret, code, claim) {
      const step = deps.totp.matchStep(secret, code);
      if (step === null) return (await claim()) === 0 ? 'busy' : 'invalid';
      const claimed = await claim([stepMarker(userId, step), stepMarker(userId, step - 1), stepMarker(userId, step - 2)]);
      if (claimed === 0) return 'busy';
      return claimed === 1 ? 'replayed' : 'ok';
    },
  };
}
