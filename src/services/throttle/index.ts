// Brute-force back-off for password, TOTP and recovery-code failures, as pure functions (B2, B18; checklist 21-24).
/**
 * Policy (documented in docs/security.md, checklist 24), per account and source:
 * - failures 1-4: no delay; from the 5th, wait 2^(n-5) s before the next try (1, 2, 4 ... 512 s), at most 15 min;
 * - from unknown sources (a browser that has not completed a sign-in of this user), the account's failures add up,
 *   and at the 100th consecutive one (NIST 800-63B §3.2.2) sign-in from unknown sources closes until an admin or the
 *   emailed unlock link reopens it; the user and the owner are told once;
 * - a device the user signed in on before (a "known device", src/services/throttle/known-devices.ts) counts its own
 *   failures and never waits for, or is closed by, an attacker's: the victim keeps signing in where they always do;
 * - from an unknown source a second factor (only ever checked after a right password) waits for, and closes at 100
 *   of, the account's second-factor failures alone; while the account's count holds a password back, the password
 *   counts only together with a second factor (./guard.ts bothFactors), so a new device is never locked out either.
 * Success on an unknown source clears the account's counts (checklist 23); success on a known device clears that
 * device's count only, so the real user signing in at the till gives an attacker elsewhere no fresh guesses.
 */
export const FREE_ATTEMPTS = 5;
export const MAX_BACKOFF_SECONDS = 15 * 60;
export const CLOSE_AFTER = 100;

/** Seconds to wait after `consecutiveFailures` failures in a row. */
export function backoffSeconds(consecutiveFailures: number): number {
  const n = Number.isFinite(consecutiveFailures) ? Math.floor(consecutiveFailures) : CLOSE_AFTER;
  if (n < FREE_ATTEMPTS) return 0;
  return Math.min(2 ** (n - FREE_ATTEMPTS), MAX_BACKOFF_SECONDS);
}

/**
 * One address (a shop, a NAT) may spray many usernames: after ADDRESS_FREE failures across all accounts, unknown
 * sources there back off like one account whose count is failures / ADDRESS_FACTOR. Known devices never wait for it.
 */
export const ADDRESS_FREE = 50;
export const ADDRESS_FACTOR = 10;
export const addressFailuresAsAccount = (failures: number) => (failures < ADDRESS_FREE ? 0 : FREE_ATTEMPTS + Math.floor((failures - ADDRESS_FREE) / ADDRESS_FACTOR));
