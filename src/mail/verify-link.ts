// Signed, expiring "Verify email address" tokens (S6): HMAC-SHA256 over (user id, email hash, expiry), keyed by HKDF from the cookie keys.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

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

const b64 = (buf: Buffer) => buf.toString('base64url');

// A dedicated key per cookie key (HKDF-SHA256, info names the purpose), so a verify token can never pass as a cookie
// signature or the other way round; the first cookie key signs, all of them verify (rotation as for cookies).
function deriveKey(cookieKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(cookieKey, 'utf8'), Buffer.alloc(0), 'mfa-idp/verify-email/v1', 32));
}

export function createVerifyLinks(opts: { cookieKeys: string[]; clock: () => Date; ttlMs?: number }): VerifyLinks {
  const keys = opts.cookieKeys.map(deriveKey);
  const signingKey = keys[0];
  if (!signingKey) throw new Error('verify links need at least one cookie key');
  const ttl = opts.ttlMs ?? VERIFY_TTL_MS;
  const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();
  const emailHash = (email: string) => b64(createHash('sha256').update(email.trim().toLowerCase()).digest()).slice(0, 22);

  return {
    emailHash,
    sign(userId, email) {
      const exp = Math.floor((opts.clock().getTime() + ttl) / 1000);
      // the address itself stays out of the URL (logs, proxies): the token carries a short hash of it
      const payload = b64(Buffer.from(JSON.stringify({ u: userId, e: emailHash(email), x: exp }), 'utf8'));
      return `${payload}.${b64(mac(signingKey, payload))}`;
    },
    verify(token) {
      const parts = typeof token === 'string' && token.length < 512 ? token.split('.') : [];
      if (parts.length !== 2) return { ok: false, reason: 'invalid' };
      const [payload, sig] = parts as [string, string];
      const given = Buffer.from(sig, 'base64url');
      const valid = keys.some((key) => {
        const expected = mac(key, payload);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!valid) return { ok: false, reason: 'invalid' };
      let claims: { u?: unknown; e?: unknown; x?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (typeof claims.u !== 'string' || typeof claims.e !== 'string' || typeof claims.x !== 'number') return { ok: false, reason: 'invalid' };
      if (claims.x * 1000 <= opts.clock().getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, userId: claims.u, emailHash: claims.e };
    },
  };
}
