// Brute-force back-off for password, TOTP and recovery-code failures per account, as pure functions (B2; checklist 21-24).
/**
 * Policy (documented for users and admins, checklist 24):
 * - failures 1-4: no delay;
 * - failures 5-9: wait 2^(n-5) s before the next try (1, 2, 4, 8, 16 s; never above 60 s);
 * - 10 or more: a temporary 15-minute lock, renewed by every further failure.
 * The count is per account (not per IP, checklist 22), shared by all factors, and reset by a
 * successful sign-in (checklist 23). Locks always expire, so a victim is never locked out for good,
 * and an attacker gets at most ~10 guesses per 15 minutes, far under NIST's cap of 100 (checklist 21).
 */
export const FREE_ATTEMPTS = 5;
export const LOCK_AFTER = 10;
export const MAX_BACKOFF_SECONDS = 60;
export const LOCK_SECONDS = 15 * 60;

/** Seconds the account must wait after `consecutiveFailures` failures in a row. */
export function lockoutDelay(consecutiveFailures: number): number {
  const n = Number.isFinite(consecutiveFailures) ? Math.floor(consecutiveFailures) : LOCK_AFTER;
  if (n < FREE_ATTEMPTS) return 0;
  if (n >= LOCK_AFTER) return LOCK_SECONDS;
  return Math.min(2 ** (n - FREE_ATTEMPTS), MAX_BACKOFF_SECONDS);
}

/** When the next attempt is allowed, or null when no wait applies. */
export function lockedUntil(consecutiveFailures: number, lastFailureAt: Date): Date | null {
  const delay = lockoutDelay(consecutiveFailures);
  return delay === 0 ? null : new Date(lastFailureAt.getTime() + delay * 1000);
}
