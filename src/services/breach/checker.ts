// Pwned Passwords k-anonymity range check: one time budget for the whole answer, a capped body, LRU+TTL range cache,
// fail-open, never throws (S2, B7; checklist 14-20). The hibp package's range call reads any body whole, so the request
// is made here, with the same wire format (GET /range/<prefix>?mode=sha1, Add-Padding, User-Agent).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { secondsSince, type BreachObserver } from '../observe/index.js';

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

// `SUFFIX:COUNT` lines; anything else (an HTML error page from a proxy...) must not read as "not breached".
function toRange(body: string): Range {
  const range = new Map<string, number>();
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const [suffix = '', count = '', ...rest] = trimmed.split(':');
    const key = suffix.trim().toUpperCase(); // checklist 15: case-insensitive match
    if (rest.length || !SUFFIX.test(key) || !/^\d+$/.test(count.trim())) throw new Error('malformed range response');
    const n = Number(count);
    if (n > 0) range.set(key, n); // checklist 16: count-0 lines are padding
  }
  return range;
}

// Reads the body up to `max` bytes; a larger one is abandoned (the connection is aborted), not read to its end.
async function readCapped(res: Response, max: number, controller: AbortController): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  const tooLarge = () => new Error(`range answer larger than ${max} bytes`);
  if (declared > max) {
    controller.abort(tooLarge());
    throw tooLarge();
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) {
      controller.abort(tooLarge());
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createBreachChecker(opts: BreachCheckerOptions): BreachChecker {
  if (!opts.userAgent.trim()) throw new Error('breach checker: a User-Agent is required');
  const clock = opts.clock ?? (() => new Date());
  const cache = new LRUCache<string, Range>({ max: opts.cacheSize, ttl: opts.cacheTtlMs, ttlResolution: 0, perf: { now: () => clock().getTime() } });
  // Concurrent checks of the same prefix share one request.
  const inFlight = new Map<string, Promise<Range>>();

  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const base = opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`;

  async function request(prefix: string, controller: AbortController): Promise<Range> {
    const url = new URL(`range/${prefix}`, base);
    url.searchParams.set('mode', 'sha1');
    // a redirect is an answer other than 200 too: never followed to a range that would say "not breached" (checklist 20)
    const res = await fetch(url, { headers: { 'Add-Padding': 'true', 'User-Agent': opts.userAgent }, signal: controller.signal, redirect: 'manual' });
    if (!res.ok) {
      controller.abort();
      throw new Error(`range API answered ${res.status}`);
    }
    return toRange(await readCapped(res, maxBodyBytes, controller));
  }

  // One budget for the headers and the whole body: at the deadline the request is aborted and the check gives up.
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
      return await Promise.race([request(prefix, controller), timeout]);
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
