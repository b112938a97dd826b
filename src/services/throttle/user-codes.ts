// Guessing device user codes (B25; RFC 8628 §5.1): wrong codes are counted per client address in fixed windows,
// cluster-wide (one consume-once marker per wrong code); once an address has used up its window, every code it sends
// (right ones too) is refused until the window ends. A code is 8 of 20 letters (20^8) and lives 5 minutes, so
// LIMIT wrong codes per quarter hour leave a guesser no chance, while a person's typos fit easily.
import { LRUCache } from 'lru-cache';
import type { Marker } from './guard.js';

export interface UserCodeLimits {
  wrongPerAddress: number;
  windowMs: number;
}

export const USER_CODE_LIMITS: UserCodeLimits = { wrongPerAddress: 10, windowMs: 15 * 60_000 };

export type UserCodeVerdict = { ok: true } | { ok: false; minutes: number };

export function createUserCodeGuard(deps: { claim(marker: Marker): Promise<boolean>; clock: () => Date; limits?: UserCodeLimits }) {
  const limits = deps.limits ?? USER_CODE_LIMITS;
  // addresses whose window is used up, as this process learned it (another instance learns it at its next wrong code)
  const full = new LRUCache<string, true>({ max: 100_000, ttl: limits.windowMs });

  const windowOf = () => {
    const now = deps.clock().getTime();
    const window = Math.floor(now / limits.windowMs);
    return { window, minutes: Math.max(1, Math.ceil(((window + 1) * limits.windowMs - now) / 60_000)) };
  };

  return {
    /** May this address try a code now? */
    check(ip: string): UserCodeVerdict {
      const { window, minutes } = windowOf();
      return full.has(`${window}:${ip}`) ? { ok: false, minutes } : { ok: true };
    },

    /** Counts a wrong code of this address; the verdict for its next one. */
    async wrong(ip: string): Promise<UserCodeVerdict> {
      const { window, minutes } = windowOf();
      const expiresAt = new Date((window + 1) * limits.windowMs + 60_000);
      for (let slot = 0; slot < limits.wrongPerAddress; slot++) {
        if (await deps.claim({ key: `user-code:${ip}:${window}:${slot}`, expiresAt })) {
          if (slot < limits.wrongPerAddress - 1) return { ok: true };
          break;
        }
      }
      full.set(`${window}:${ip}`, true);
      return { ok: false, minutes };
    },
  };
}

export type UserCodeGuard = ReturnType<typeof createUserCodeGuard>;
