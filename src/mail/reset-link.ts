// Signed "Reset your password" tokens (B14): user, store, a fingerprint of the current password hash (a changed
// password voids the link), a nonce (the link's consume-once marker) and the sign-in it was asked from (signed-token.ts).
import { RESET_LINK_MINUTES, type ResetClaims } from '../services/password-reset/index.js';
import { signedTokens } from './signed-token.js';

export const RESET_TTL_MS = RESET_LINK_MINUTES * 60_000;

export function createResetLinks(opts: { cookieKeys: string[]; clock: () => Date }) {
  const tokens = signedTokens<ResetClaims>({ purpose: 'password-reset/v1', cookieKeys: opts.cookieKeys, clock: opts.clock, ttlMs: RESET_TTL_MS });
  const shape = (c: Record<string, unknown>): c is ResetClaims => ['u', 's', 'p', 'n', 'i'].every((k) => typeof c[k] === 'string');
  // "the second factor was proved for this link": carried from the factor form to the new-password form
  const proofs = signedTokens<{ n: string; f: string }>({ purpose: 'password-reset-proof/v1', cookieKeys: opts.cookieKeys, clock: opts.clock, ttlMs: RESET_TTL_MS });
  const proofShape = (c: Record<string, unknown>): c is { n: string; f: string } => typeof c.n === 'string' && typeof c.f === 'string';
  return {
    sign: (claims: ResetClaims) => tokens.sign(claims),
    verify: (token: unknown) => tokens.verify(token, shape),
    proof: (nonce: string, factor: string) => proofs.sign({ n: nonce, f: factor }),
    /** The factor a proof says was used for this link, or undefined when it is not a valid proof for it. */
    proven(token: unknown, nonce: string): string | undefined {
      const checked = proofs.verify(token, proofShape);
      return checked.ok && checked.claims.n === nonce ? checked.claims.f : undefined;
    },
  };
}

export type ResetLinks = ReturnType<typeof createResetLinks>;
