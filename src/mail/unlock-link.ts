// Signed, expiring "Unlock sign-in" tokens (B18): the user and the lock's generation, so a link works once (signed-token.ts).
import { signedTokens } from './signed-token.js';

export const UNLOCK_TTL_MS = 7 * 86_400_000;

export type UnlockClaims = { u: string; g: number };

export function createUnlockLinks(opts: { cookieKeys: string[]; clock: () => Date }) {
  const tokens = signedTokens<UnlockClaims>({ purpose: 'unlock-sign-in/v1', cookieKeys: opts.cookieKeys, clock: opts.clock, ttlMs: UNLOCK_TTL_MS });
  const shape = (c: Record<string, unknown>): c is UnlockClaims => typeof c.u === 'string' && typeof c.g === 'number';
  return {
    sign: (userId: string, generation: number) => tokens.sign({ u: userId, g: generation }),
    verify: (token: unknown) => tokens.verify(token, shape),
  };
}

export type UnlockLinks = ReturnType<typeof createUnlockLinks>;
