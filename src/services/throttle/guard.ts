// Failure counting per account and per client address, with growing delays and temporary lock-outs (B2; checklist 21-24).
import { randomUUID } from 'node:crypto';
import { lockoutDelay, LOCK_AFTER } from './index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

export interface CounterPort {
  get(key: string, now: Date): Promise<{ failures: number; lastFailureAt: Date } | undefined>;
  increment(key: string, now: Date, expiresAt: Date): Promise<number>;
  reset(key: string): Promise<void>;
  // an exclusive, expiring lock per key: concurrent attempts on one account are refused, not raced (checklist 86)
  lock(key: string, now: Date, until: Date, owner: string): Promise<boolean>;
  unlock(key: string, owner: string): Promise<void>;
}

export type AttemptOutcome = { kind: 'ok' } | { kind: 'failed' } | { kind: 'wait'; seconds: number };

export interface FailureMeta {
  storeId: string;
  userId?: string;
  username?: string;
  ip: string;
  factor: 'password' | 'totp' | 'recovery';
}

// A shop shares one address between many staff, so the per-address counter tolerates four times as many failures.
const ADDRESS_FACTOR = 4;

export function createThrottleGuard(deps: {
  store: CounterPort;
  clock: () => Date;
  audit: AuditRecorder;
  notify: Notifier;
  // to e-mail the owner of an account locked by password failures; the response never depends on it
  userIdOf: (storeId: string, username: string) => Promise<string | undefined>;
}) {
  const delayFor = (key: string, failures: number) =>
    lockoutDelay(key.startsWith('ip:') ? Math.floor(failures / ADDRESS_FACTOR) : failures);

  const guard = {
    accountKey: (storeId: string, username: string) => `acct:${storeId}:${username.toLowerCase()}`,
    addressKey: (ip: string) => `ip:${ip}`,

    async waitSeconds(keys: string[]): Promise<number> {
      const now = deps.clock();
      let wait = 0;
      for (const key of keys) {
        const c = await deps.store.get(key, now);
        if (!c) continue;
        const until = c.lastFailureAt.getTime() + delayFor(key, c.failures) * 1000;
        wait = Math.max(wait, Math.ceil((until - now.getTime()) / 1000));
      }
      return wait;
    },

    async fail(keys: string[], meta: FailureMeta): Promise<void> {
      const now = deps.clock();
      // a failure counts for a day, so nobody is locked out for good (checklist 24)
      const expiresAt = new Date(now.getTime() + 24 * 3600 * 1000);
      for (const key of keys) {
        const failures = await deps.store.increment(key, now, expiresAt);
        if (key.startsWith('acct:') && failures === LOCK_AFTER) {
          const userId = meta.userId ?? (meta.username ? await deps.userIdOf(meta.storeId, meta.username) : undefined);
          await deps.audit.record({ type: 'account.locked', storeId: meta.storeId, userId: userId ?? null, ip: meta.ip, details: { factor: meta.factor, username: meta.username } });
          if (userId) await deps.notify({ type: 'account_locked', userId, details: { ip: meta.ip } });
        }
      }
    },

    async succeed(keys: string[]): Promise<void> {
      // success clears the account counter; the address counter keeps counting other people's failures
      for (const key of keys) if (key.startsWith('acct:')) await deps.store.reset(key);
    },

    // One checked attempt: refused while the account waits, counted when it fails. Only a whole sign-in or a second
    // factor clears the count (clearOnSuccess), so re-entering a known password never buys fresh code guesses.
    async attempt(keys: string[], meta: FailureMeta, check: () => Promise<boolean>, opts: { clearOnSuccess: boolean }): Promise<AttemptOutcome> {
      const now = deps.clock();
      const lockKey = keys[0];
      if (lockKey === undefined) throw new Error('throttle: an attempt needs at least one key');
      const owner = randomUUID();
      if (!(await deps.store.lock(lockKey, now, new Date(now.getTime() + 60_000), owner))) return { kind: 'wait', seconds: 1 };
      try {
        const seconds = await guard.waitSeconds(keys);
        if (seconds > 0) return { kind: 'wait', seconds };
        if (!(await check())) {
          await guard.fail(keys, meta);
          return { kind: 'failed' };
        }
        if (opts.clearOnSuccess) await guard.succeed(keys);
        return { kind: 'ok' };
      } finally {
        await deps.store.unlock(lockKey, owner);
      }
    },
  };
  return guard;
}

export type ThrottleGuard = ReturnType<typeof createThrottleGuard>;
