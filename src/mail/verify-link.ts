// Signed, expiring "Verify email address" tokens (S6): (user id, email hash), see signed-token.ts.
import { createHash } from 'node:crypto';
import { signedTokens } from './signed-token.js';

export const VERIFY_TTL_MS = 7 * 86_400_000;

export type VerifyResult =
  | { ok: true; userId: string; emailHash: string }
  | { ok: false; reason: 'invalid' | 'expired' };

export interface VerifyLinks {
  /** Token for userId + email that expires VERIFY_TTL_MS from now. */
  sign(userId: string, email: string): string;
  /** Checks the signature (every configured key) and the expiry. */
  verify(token: string): VerifyResult;
  /** The value a token carries for an address: compare with emailHash to see that the address is still the same. */
  emailHash(email: string): string;
}

export function createVerifyLinks(opts: { cookieKeys: string[]; clock: () => Date; ttlMs?: number }): VerifyLinks {
  const tokens = signedTokens<{ u: string; e: string }>({ purpose: 'verify-email/v1', cookieKeys: opts.cookieKeys, clock: opts.clock, ttlMs: opts.ttlMs ?? VERIFY_TTL_MS });
  const emailHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest().toString('base64url').slice(0, 22);
  const shape = (c: Record<string, unknown>): c is { u: string; e: string } => typeof c.u === 'string' && typeof c.e === 'string';
  return {
    emailHash,
    // the address itself stays out of the URL (logs, proxies): the token carries a short hash of it
    sign: (userId, email) => tokens.sign({ u: userId, e: emailHash(email) }),
    verify(token) {
      const checked = tokens.verify(token, shape);
      return checked.ok ? { ok: true, userId: checked.claims.u, emailHash: checked.claims.e } : checked;
    },
  };
}
