// Pwned Passwords k-anonymity check through the hibp package: timeout, LRU+TTL range cache, fail-open, never throws (S2, B7; checklist 14-20).
import { createHash } from 'node:crypto';
import { pwnedPasswordRange } from 'hibp';
import { LRUCache } from 'lru-cache';

export type BreachResult =
  | { status: 'ok' }
  | { status: 'breached'; count: number }
  | { status: 'unavailable'; error: string };

export interface BreachCheckerOptions {
  /** Range API base, e.g. https://api.pwnedpasswords.com or a self-hosted mirror (B7). */
  baseUrl: string;
  /** Descriptive User-Agent; the public API answers 403 without one (checklist 17). */
  userAgent: string;
  timeoutMs: number;
  /** Number of 5-character prefixes kept. */
  cacheSize: number;
  cacheTtlMs: number;
  clock?: () => Date;
}

export interface BreachChecker {
  check(password: string): Promise<BreachResult>;
}

/** Suffix (uppercase, 35 hex) -> count, padding (count 0) removed. */
type Range = ReadonlyMap<string, number>;

const SUFFIX = /^[0-9A-F]{35}$/;

function toRange(raw: Record<string, number>): Range {
  const range = new Map<string, number>();
  for (const [suffix, count] of Object.entries(raw)) {
    const key = suffix.trim().toUpperCase(); // checklist 15: case-insensitive match
    // Anything that is not a range line (an HTML error page from a proxy...) must not read as "not breached".
    if (!SUFFIX.test(key) || !Number.isInteger(count) || count < 0) throw new Error('malformed range response');
    if (count > 0) range.set(key, count); // checklist 16: count-0 lines are padding
  }
  return range;
}

export function createBreachChecker(opts: BreachCheckerOptions): BreachChecker {
  if (!opts.userAgent.trim()) throw new Error('breach checker: a User-Agent is required');
  const clock = opts.clock ?? (() => new Date());
  const cache = new LRUCache<string, Range>({ max: opts.cacheSize, ttl: opts.cacheTtlMs, ttlResolution: 0, perf: { now: () => clock().getTime() } });
  // Concurrent checks of the same prefix share one request.
  const inFlight = new Map<string, Promise<Range>>();

  async function fetchRange(prefix: string): Promise<Range> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`no answer within ${opts.timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, opts.timeoutMs);
    });
    try {
      const raw = await Promise.race([
        pwnedPasswordRange(prefix, {
          baseUrl: opts.baseUrl,
          userAgent: opts.userAgent,
          addPadding: true,
          signal: controller.signal,
        }),
        timeout,
      ]);
      return toRange(raw);
    } finally {
      clearTimeout(timer);
    }
  }

  function range(prefix: string): Promise<Range> {
    const cached = cache.get(prefix);
    if (cached) return Promise.resolve(cached);
    let pending = inFlight.get(prefix);
    if (!pending) {
      pending = fetchRange(prefix)
        .then((r) => {
          cache.set(prefix, r);
          return r;
        })
        .finally(() => inFlight.delete(prefix));
      inFlight.set(prefix, pending);
    }
    return pending;
  }

  async function check(password: string): Promise<BreachResult> {
    try {
      const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      // checklist 14: only the first 5 hex characters leave the process.
      const count = (await range(sha1.slice(0, 5))).get(sha1.slice(5)) ?? 0;
      return count > 0 ? { status: 'breached', count } : { status: 'ok' };
    } catch (err) {
      const message = err instanceof Error ? err.message || err.name : String(err);
      return { status: 'unavailable', error: `range request failed: ${message}` };
    }
  }

  return { check };
}
