// Pwned Passwords k-anonymity range check through the hibp package's pwnedPasswordRange: one time budget for the whole
// answer (its timeoutMs covers the body too), a capped body (./capped-responses.ts), LRU+TTL range cache, fail-open,
// never throws (S2, B7; checklist 14-20).
import { createHash } from 'node:crypto';
import { pwnedPasswordRange } from 'hibp';
import { LRUCache } from 'lru-cache';
import { secondsSince, type BreachObserver } from '../observe/index.js';
import { capResponses, exceededCap } from './capped-responses.js';

export type BreachResult =
  | { status: 'ok' }
  | { status: 'breached'; count: number }
  | { status: 'unavailable'; error: string };

export interface BreachCheckerOptions {
  /** Range API base, e.g. https://api.pwnedpasswords.com or a self-hosted mirror (B7). */
  baseUrl: string;
  /** Descriptive User-Agent; the public API answers 403 without one (checklist 17). */
  userAgent: string;
  /** The whole answer, body included, must arrive within this; else the check is 'unavailable'. */
  timeoutMs: number;
  /** Largest range answer read; a padded real one is about 40 KiB. Default 512 KiB; larger is 'unavailable'. */
  maxBodyBytes?: number;
  /** Number of 5-character prefixes kept. */
  cacheSize: number;
  cacheTtlMs: number;
  clock?: () => Date;
  /** Sees each check's outcome and how long it took (monitoring). */
  observe?: BreachObserver;
}

export interface BreachChecker {
  check(password: string): Promise<BreachResult>;
}

/** Suffix (uppercase, 35 hex) -> count, padding (count 0) removed. */
type Range = ReadonlyMap<string, number>;

const SUFFIX = /^[0-9A-F]{35}$/;

const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

// hibp parses any text into suffix -> count; anything but range lines (an HTML error page from a proxy, say) must not
// read as "not breached", so every entry is checked here.
function toRange(suffixes: Record<string, number>): Range {
  const range = new Map<string, number>();
  for (const [suffix, count] of Object.entries(suffixes)) {
    const key = suffix.trim().toUpperCase(); // checklist 15: case-insensitive match
    if (!SUFFIX.test(key) || !Number.isSafeInteger(count) || count < 0) throw new Error('malformed range response');
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

  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  capResponses(opts.baseUrl, maxBodyBytes);

  const reason = (err: unknown): string => {
    if (exceededCap(err)) return `range answer larger than ${maxBodyBytes} bytes`;
    if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${opts.timeoutMs} ms`;
    return err instanceof Error ? err.message || err.name : String(err);
  };

  // One budget for the headers and the whole body (hibp's timeoutMs); the abort afterwards releases a body hibp left
  // unread (a non-200 answer).
  async function fetchRange(prefix: string): Promise<Range> {
    const done = new AbortController();
    try {
      const suffixes = await pwnedPasswordRange(prefix, { baseUrl: opts.baseUrl, userAgent: opts.userAgent, addPadding: true, timeoutMs: opts.timeoutMs, signal: done.signal });
      return toRange(suffixes);
    } catch (err) {
      throw new Error(reason(err));
    } finally {
      done.abort();
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

  async function lookUp(sha1: string): Promise<BreachResult> {
    try {
      // checklist 14: only the first 5 hex characters leave the process.
      const count = (await range(sha1.slice(0, 5))).get(sha1.slice(5)) ?? 0;
      return count > 0 ? { status: 'breached', count } : { status: 'ok' };
    } catch (err) {
      const message = err instanceof Error ? err.message || err.name : String(err);
      return { status: 'unavailable', error: `range request failed: ${message}` };
    }
  }

  async function check(password: string): Promise<BreachResult> {
    const started = performance.now();
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const source = cache.has(sha1.slice(0, 5)) ? 'cache' : 'api';
    const result = await lookUp(sha1);
    opts.observe?.checked({ outcome: result.status, source, seconds: secondsSince(started) });
    return result;
  }

  return { check };
}
