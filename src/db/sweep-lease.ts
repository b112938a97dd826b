// The housekeeping lease: one instance at a time sweeps. Time is cut into fixed windows; whoever inserts a window's
// consume-once marker first holds it (FerretDB has no atomic findAndModify: DESIGN rule 8). The holder claims the next
// window shortly before its own ends, so it keeps the lease; when it dies, another instance claims the window after.
export const LEASE_WINDOW_MS = 60_000;
/** how long before its window ends the holder claims the next one */
export const RENEW_BEFORE_MS = 15_000;

export type LeaseClaim = (claim: { key: string; expiresAt: Date; owner: string }) => Promise<boolean>;

/** `kept`: held without a gap since the last call; `new`: held, but another instance may have held it meanwhile. */
export type Holding = 'kept' | 'new' | 'none';

export interface SweepLease {
  /** Holds the lease now? Claims the current window (once per window) or renews into the next one when it is time. */
  hold(now: Date): Promise<Holding>;
  /** Milliseconds until a non-holder should try again: the start of the next window. */
  retryIn(now: Date): number;
  /** Milliseconds until the holder should call hold() again to renew in time (0: now). */
  renewIn(now: Date): number;
}

export function createSweepLease(opts: { claim: LeaseClaim; owner: string; name?: string }): SweepLease {
  const name = opts.name ?? 'expiry-sweep';
  const held = new Set<number>();
  const tried = new Set<number>();
  let lastHeld: number | undefined;
  const windowOf = (now: Date) => Math.floor(now.getTime() / LEASE_WINDOW_MS);

  const tryClaim = async (window: number) => {
    if (tried.has(window)) return;
    tried.add(window);
    // the marker outlives its window a little, then the sweep removes it like any other
    const won = await opts.claim({ key: `lease:${name}:${window}`, expiresAt: new Date((window + 2) * LEASE_WINDOW_MS), owner: opts.owner });
    if (won) held.add(window);
  };

  return {
    async hold(now) {
      const window = windowOf(now);
      for (const w of [...held, ...tried]) {
        if (w < window - 1) {
          held.delete(w);
          tried.delete(w);
        }
      }
      if (!held.has(window)) await tryClaim(window);
      if (!held.has(window)) return 'none';
      if (now.getTime() >= (window + 1) * LEASE_WINDOW_MS - RENEW_BEFORE_MS) await tryClaim(window + 1);
      // no gap: held in the last call's window or the one before this (a renewal claimed ahead counts)
      const kept = lastHeld !== undefined && (lastHeld >= window - 1 || held.has(window - 1));
      lastHeld = window;
      return kept ? 'kept' : 'new';
    },
    retryIn: (now) => (windowOf(now) + 1) * LEASE_WINDOW_MS - now.getTime(),
    renewIn(now) {
      const next = windowOf(now) + (tried.has(windowOf(now) + 1) ? 2 : 1);
      return Math.max(0, next * LEASE_WINDOW_MS - RENEW_BEFORE_MS - now.getTime());
    },
  };
}
