// Failure counting per account and per client address, with growing delays and temporary lock-outs (B2; checklist 21-24),
// at the cost of one database command per checked attempt:
// - an account's count lives on the user record, so the read that finds the user also finds its count;
// - at most one checked attempt per account and second, cluster-wide (a unique marker per second), so parallel
//   guesses are refused instead of raced; a second attempt in the same second waits for the next one, once;
// - the per-address count, and counts for usernames that do not exist (nothing to lock, but the same answers), are
//   kept in this process: a shop's shared address is throttled per instance.
import { LRUCache } from 'lru-cache';
import { lockoutDelay, LOCK_AFTER } from './index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

export interface AccountThrottleState {
  failures: number;
  lastFailureAt: Date | null;
}

export const NO_FAILURES: AccountThrottleState = { failures: 0, lastFailureAt: null };

export interface ThrottlePort {
  recordFailure(userId: string, next: AccountThrottleState): Promise<void>;
  reset(userId: string): Promise<void>;
}

/** A consume-once marker (key + expiry), as the claims port inserts them. */
export interface Marker {
  key: string;
  expiresAt: Date;
}

/**
 * Claims this attempt's slot and, in the same command, the caller's own markers after it (a TOTP step, say).
 * Returns how many of [slot, ...markers] were claimed, in order: 0 means another attempt holds this second.
 */
export type ClaimSlot = (markers?: Marker[]) => Promise<number>;

export type AttemptVerdict = 'ok' | 'failed' | 'busy';
export type AttemptOutcome = { kind: 'ok' } | { kind: 'failed' } | { kind: 'wait'; seconds: number };

export type Factor = 'password' | 'totp' | 'recovery';

export interface Subject {
  storeId: string;
  username: string;
  /** The user, when the username exists, with the count read together with it. */
  user?: { id: string; throttle: AccountThrottleState };
}

export interface AttemptMeta {
  ip: string;
  factor: Factor;
  /** The address counts too (password attempts: spraying many usernames from one place). */
  countAddress?: boolean;
}

// A shop shares one address between many staff, so the per-address counter tolerates four times as many failures.
const ADDRESS_FACTOR = 4;
const DAY_MS = 24 * 3600 * 1000;

export function createThrottleGuard(deps: {
  store: ThrottlePort;
  /** inserts markers in order and stops at the first one already taken; returns how many it inserted */
  claimInOrder(markers: Marker[]): Promise<number>;
  clock: () => Date;
  audit: AuditRecorder;
  notify: Notifier;
}) {
  const local = new LRUCache<string, AccountThrottleState>({ max: 100_000, ttl: DAY_MS });
  const localSlots = new LRUCache<string, true>({ max: 100_000, ttl: 5_000 });

  const waitFor = (state: AccountThrottleState, failures: number, now: Date) => {
    if (!state.lastFailureAt) return 0;
    const until = state.lastFailureAt.getTime() + lockoutDelay(failures) * 1000;
    return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
  };
  const accountState = (s: Subject) => s.user?.throttle ?? local.get(`acct:${s.storeId}:${s.username.toLowerCase()}`) ?? NO_FAILURES;
  const addressKey = (ip: string) => `ip:${ip}`;
  // a second factor and a password never wait for each other: they are different questions
  const slotFor = (s: Subject, factor: Factor, now: Date): Marker => ({
    key: `attempt:${s.user?.id ?? `${s.storeId}:${s.username.toLowerCase()}`}:${factor === 'password' ? 'password' : 'second'}:${Math.floor(now.getTime() / 1000)}`,
    expiresAt: new Date(now.getTime() + 5_000),
  });
  const claimerFor = (s: Subject, slot: Marker): ClaimSlot => {
    if (s.user) return (markers = []) => deps.claimInOrder([slot, ...markers]);
    // no such user: nothing to protect in the database, but the same serialisation in this process
    return async () => {
      if (localSlots.has(slot.key)) return 0;
      localSlots.set(slot.key, true);
      return 1;
    };
  };

  async function fail(s: Subject, meta: AttemptMeta, now: Date) {
    const before = accountState(s);
    const next = { failures: before.failures + 1, lastFailureAt: now };
    if (s.user) await deps.store.recordFailure(s.user.id, next);
    else local.set(`acct:${s.storeId}:${s.username.toLowerCase()}`, next);
    if (meta.countAddress) {
      const a = local.get(addressKey(meta.ip)) ?? NO_FAILURES;
      local.set(addressKey(meta.ip), { failures: a.failures + 1, lastFailureAt: now });
    }
    if (next.failures === LOCK_AFTER) {
      await deps.audit.record({ type: 'account.locked', storeId: s.storeId, userId: s.user?.id ?? null, ip: meta.ip, details: { factor: meta.factor, username: s.username } });
      if (s.user) await deps.notify({ type: 'account_locked', userId: s.user.id, details: { ip: meta.ip } });
    }
  }

  const guard = {
    /** A check that needs nothing but the slot (a password). */
    simply: (verify: () => Promise<boolean>) => async (claim: ClaimSlot): Promise<AttemptVerdict> => {
      if ((await claim()) === 0) return 'busy';
      return (await verify()) ? 'ok' : 'failed';
    },

    /** Seconds this subject (and, for passwords, this address) must wait before the next checked attempt. */
    waitSeconds(s: Subject, meta: Pick<AttemptMeta, 'ip' | 'countAddress'>): number {
      const now = deps.clock();
      const account = accountState(s);
      let wait = waitFor(account, account.failures, now);
      if (meta.countAddress) {
        const a = local.get(addressKey(meta.ip));
        if (a) wait = Math.max(wait, waitFor(a, Math.floor(a.failures / ADDRESS_FACTOR), now));
      }
      return wait;
    },

    /** A success clears the account's count (checklist 23); the address keeps counting other people's failures. */
    async succeed(s: Subject): Promise<void> {
      if (s.user) {
        if (s.user.throttle.failures > 0) await deps.store.reset(s.user.id);
      } else local.delete(`acct:${s.storeId}:${s.username.toLowerCase()}`);
    },

    /**
     * One checked attempt. `check` must call its ClaimSlot first and answer 'busy' when that claimed nothing. Only a
     * whole sign-in or a second factor clears the count (clearOnSuccess), so re-entering a known password never buys
     * fresh code guesses.
     */
    async attempt(s: Subject, meta: AttemptMeta, check: (claim: ClaimSlot) => Promise<AttemptVerdict>, opts: { clearOnSuccess: boolean }): Promise<AttemptOutcome> {
      const seconds = guard.waitSeconds(s, meta);
      if (seconds > 0) return { kind: 'wait', seconds };
      let verdict: AttemptVerdict = 'busy';
      for (let tries = 0; tries < 2 && verdict === 'busy'; tries++) {
        if (tries > 0) await new Promise((r) => setTimeout(r, 1_000 - (deps.clock().getTime() % 1_000) + 5));
        verdict = await check(claimerFor(s, slotFor(s, meta.factor, deps.clock())));
      }
      if (verdict === 'busy') return { kind: 'wait', seconds: 1 };
      if (verdict === 'failed') {
        await fail(s, meta, deps.clock());
        return { kind: 'failed' };
      }
      if (opts.clearOnSuccess) await guard.succeed(s);
      return { kind: 'ok' };
    },
  };
  return guard;
}

export type ThrottleGuard = ReturnType<typeof createThrottleGuard>;
