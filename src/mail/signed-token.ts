// Signed, expiring tokens for emailed links (verify address, unlock sign-in, enrolment): HMAC-SHA256 over a small JSON
// payload with its expiry, keyed by HKDF from the cookie keys with the purpose as info, so a token for one purpose is
// never valid for another (nor as a cookie signature). The first cookie key signs, all of them verify (rotation).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'invalid' | 'expired' };

const b64 = (buf: Buffer) => buf.toString('base64url');

export function signedTokens<T extends Record<string, string | number>>(opts: { purpose: string; cookieKeys: string[]; clock: () => Date; ttlMs: number }) {
  const keys = opts.cookieKeys.map((k) => Buffer.from(hkdfSync('sha256', Buffer.from(k, 'utf8'), Buffer.alloc(0), `mfa-idp/${opts.purpose}`, 32)));
  const signingKey = keys[0];
  if (!signingKey) throw new Error(`${opts.purpose} links need at least one cookie key`);
  const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    sign(claims: T): string {
      const payload = b64(Buffer.from(JSON.stringify({ ...claims, x: Math.floor((opts.clock().getTime() + opts.ttlMs) / 1000) }), 'utf8'));
      return `${payload}.${b64(mac(signingKey, payload))}`;
    },
    /** Checks the signature (every configured key) and the expiry; `shape` checks the claims' types. */
    verify(token: unknown, shape: (claims: Record<string, unknown>) => claims is T): TokenCheck<T> {
      const parts = typeof token === 'string' && token.length < 1024 ? token.split('.') : [];
      if (parts.length !== 2) return { ok: false, reason: 'invalid' };
      const [payload, sig] = parts as [string, string];
      const given = Buffer.from(sig, 'base64url');
      const valid = keys.some((key) => {
        const expected = mac(key, payload);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!valid) return { ok: false, reason: 'invalid' };
      let claims: Record<string, unknown>;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (typeof claims.x !== 'number' || !shape(claims)) return { ok: false, reason: 'invalid' };
      if (claims.x * 1000 <= opts.clock().getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}
