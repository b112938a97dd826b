// Values bound to one interaction by an HMAC: its CSRF token, and state a step hands to the next page ("carry")
// without storing it, signed so the browser can return it but never change it.
import { createHmac } from 'node:crypto';
import { sameToken } from '../http/form.js';
import type { FlowState } from './state.js';

export type Carried = Pick<FlowState, 'storeId' | 'storePrefix'>;

export function interactionTokens(key: string) {
  const mac = (purpose: string, uid: string, data = '') => createHmac('sha256', key).update(`${purpose}\n${uid}\n${data}`).digest('base64url');
  return {
    csrf: (uid: string) => mac('csrf', uid),
    csrfMatches: (uid: string, given: unknown) => sameToken(given, mac('csrf', uid)),
    carry(uid: string, patch: Carried): string {
      const data = Buffer.from(JSON.stringify(patch)).toString('base64url');
      return `${data}.${mac('carry', uid, data)}`;
    },
    /** The carried patch, or undefined when absent or not ours for this interaction. */
    carried(uid: string, token: unknown): Carried | undefined {
      if (typeof token !== 'string') return undefined;
      const [data = '', sig] = token.split('.');
      if (!sameToken(sig, mac('carry', uid, data))) return undefined;
      const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Record<string, unknown>;
      return { storeId: typeof parsed.storeId === 'string' ? parsed.storeId : undefined, storePrefix: typeof parsed.storePrefix === 'string' ? parsed.storePrefix : undefined };
    },
  };
}

export type InteractionTokens = ReturnType<typeof interactionTokens>;
