// Limits on requests that send an email (forgot password, B14): a few per account and hour, cluster-wide (one
// consume-once marker per allowed request), and a ceiling per address (in this process, like the sign-in address
// count). Unknown usernames are limited exactly like real ones, so the limit says nothing about who exists.
import { LRUCache } from 'lru-cache';
import type { Marker } from './guard.js';

export interface RequestLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const RESET_REQUEST_LIMITS: RequestLimits = { perAccount: 3, perAddress: 20, windowMs: 3_600_000 };

export type RequestVerdict = { ok: true } | { ok: false; seconds: number };

export function createRequestLimiter(deps: { claim(marker: Marker): Promise<boolean>; clock: () => Date; limits: RequestLimits; purpose: string }) {
  const { limits } = deps;
  const addresses = new LRUCache<string, number>({ max: 100_000, ttl: limits.windowMs });
  // accounts whose window is used up: refused here without another marker insert
  const full = new LRUCache<string, true>({ max: 100_000, ttl: limits.windowMs });

  return {
    /** One request of `account` (store + username) from `ip`: allowed and counted, or refused for `seconds`. */
    async allow(account: string, ip: string): Promise<RequestVerdict> {
      const now = deps.clock().getTime();
      const window = Math.floor(now / limits.windowMs);
      const seconds = Math.ceil(((window + 1) * limits.windowMs - now) / 1000);
      const addressKey = `${window}:${ip}`;
      const fromAddress = addresses.get(addressKey) ?? 0;
      if (fromAddress >= limits.perAddress) return { ok: false, seconds };
      const accountKey = `${deps.purpose}:${account}:${window}`;
      if (full.has(accountKey)) return { ok: false, seconds };
      addresses.set(addressKey, fromAddress + 1);
      const expiresAt = new Date((window + 1) * limits.windowMs + 60_000);
      for (let slot = 0; slot < limits.perAccount; slot++) {
        if (await deps.claim({ key: `${accountKey}:${slot}`, expiresAt })) return { ok: true };
      }
      full.set(accountKey, true);
      return { ok: false, seconds };
    },
  };
}

export type RequestLimiter = ReturnType<typeof createRequestLimiter>;
