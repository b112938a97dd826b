// Values bound to one interaction: its CSRF token, and state a step hands to the next page ("carry", HMAC-signed) or
// to the rest of the sign-in ("proof", a cookie sealed as a JWE with A256GCM, so it is opaque too, checklist 47) without storing it,
// so the browser can return it but never change it.
import { createHmac } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { sameToken } from '../http/form.js';
import type { FlowState } from './state.js';

export type Carried = Pick<FlowState, 'storeId' | 'storePrefix'>;

/** A right password, proven in this interaction (src/flow/proof.ts): who, and what revoked their sessions so far. */
export interface Proven {
  storeId: string;
  storePrefix?: string;
  userId: string;
  username: string;
  breach?: FlowState['breach'];
  /** the user's count of account-wide revocations when the password was proven */
  sessionsEnded: number;
  /** expiry, ms since the epoch */
  exp: number;
}

export function interactionTokens(key: string) {
  const mac = (purpose: string, uid: string, data = '') => createHmac('sha256', key).update(`${purpose}\n${uid}\n${data}`).digest('base64url');
  const sign = (purpose: string, uid: string, value: unknown) => {
    const data = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${data}.${mac(purpose, uid, data)}`;
  };
  const verified = (purpose: string, uid: string, token: unknown): Record<string, unknown> | undefined => {
    if (typeof token !== 'string') return undefined;
    const [data = '', sig] = token.split('.');
    if (!sameToken(sig, mac(purpose, uid, data))) return undefined;
    return JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Record<string, unknown>;
  };
  // the proof's own key, derived from the cookie key; sealed as a JWE (dir, A256GCM) whose audience is the interaction
  const sealKey = createHmac('sha256', key).update('signin-proof seal').digest();
  const proofAudience = (uid: string) => `signin-proof:${uid}`;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    csrf: (uid: string) => mac('csrf', uid),
    csrfMatches: (uid: string, given: unknown) => sameToken(given, mac('csrf', uid)),
    carry: (uid: string, patch: Carried): string => sign('carry', uid, patch),
    /** The carried patch, or undefined when absent or not ours for this interaction. */
    carried(uid: string, token: unknown): Carried | undefined {
      const parsed = verified('carry', uid, token);
      return parsed && { storeId: str(parsed.storeId), storePrefix: str(parsed.storePrefix) };
    },
    /** The proof of a right password for this interaction, sealed so the browser can neither read nor change it. */
    proof: (uid: string, { exp, ...proven }: Proven): Promise<string> =>
      new EncryptJWT({ ...proven })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setAudience(proofAudience(uid))
        .setExpirationTime(Math.floor(exp / 1000))
        .encrypt(sealKey),
    /** The proof of this interaction, or undefined when absent, not ours for it, or expired at `now`. */
    async proven(uid: string, token: unknown, now: Date): Promise<Proven | undefined> {
      if (typeof token !== 'string') return undefined;
      const p = await jwtDecrypt(token, sealKey, { audience: proofAudience(uid), currentDate: now, requiredClaims: ['exp'] }).then(
        (opened) => opened.payload,
        () => undefined,
      );
      const storeId = str(p?.storeId);
      const userId = str(p?.userId);
      const username = str(p?.username);
      if (!p?.exp || !storeId || !userId || !username || typeof p.sessionsEnded !== 'number') return undefined;
      const breach = p.breach as Proven['breach'];
      return { storeId, storePrefix: str(p.storePrefix), userId, username, sessionsEnded: p.sessionsEnded, exp: p.exp * 1000, ...(breach ? { breach } : {}) };
    },
  };
}

export type InteractionTokens = ReturnType<typeof interactionTokens>;
