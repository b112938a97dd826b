// NIST SP 800-63B rules for a new password: length in code points, blocklist, context words, no composition rules (checklist 1-3, 8).
import { isCommonPassword } from './common-list.js';
import { codePointLength, normalizePassword } from './hasher.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export type NewPasswordRejection = 'too_short' | 'too_long' | 'common' | 'context';
export type NewPasswordResult = { ok: true } | { ok: false; reason: NewPasswordRejection };

export interface NewPasswordContext {
  username?: string;
  storePrefix?: string;
  serviceName?: string;
}

function fold(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase();
}

export function checkNewPassword(pw: string, context: NewPasswordContext): NewPasswordResult {
  const normalized = normalizePassword(pw);
  const length = codePointLength(normalized);
  if (length < MIN_PASSWORD_LENGTH) return { ok: false, reason: 'too_short' };
  if (length > MAX_PASSWORD_LENGTH) return { ok: false, reason: 'too_long' };
  const folded = fold(normalized);
  const words = [context.username, context.storePrefix, context.serviceName]
    .filter((w): w is string => typeof w === 'string')
    .map(fold)
    .filter((w) => w !== '');
  if (words.includes(folded)) return { ok: false, reason: 'context' };
  if (isCommonPassword(normalized)) return { ok: false, reason: 'common' };
  return { ok: true };
}
