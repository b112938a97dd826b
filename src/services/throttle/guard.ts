// Failure counting per account and per client address, with growing delays and temporary lock-outs (B2; checklist 21-24).
import { lockoutDelay, LOCK_AFTER } from './index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

export interface CounterPort {
  get(key: string, now: Date): Promise<{ failures: number; lastFailureAt: Date } | undefined>;
  increment(key: string, now: Date, expiresAt: Date): Promise<number>;
  reset(key: string): Promise<void>;
}

export interface FailureMeta {
  storeId: string;
  userId?: string;
  username?: string;
  ip: string;
  factor: 'password' | 'totp' | 'recovery';
}

// A shop shares one address between many staff, so the per-address counter tolerates four times as many failures.
const ADDRESS_FACTOR = 4;

export function createThrottleGuard(deps: { store: CounterPort; clock: () => Date; audit: AuditRecorder; notify: Notifier }) {
  const delayFor = (key: string, failures: number) =>
    lockoutDelay(key.startsWith('ip:') ? Math.floor(failures / ADDRESS_FACTOR) : failures);

  return {
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
      // counters forget after a day of quiet, so nobody is locked out for good (checklist 24)
      const expiresAt = new Date(now.getTime() + 24 * 3600 * 1000);
      for (const key of keys) {
        const failures = await deps.store.increment(key, now, expiresAt);
        if (key.startsWith('acct:') && failures === LOCK_AFTER) {
          await deps.audit.record({ type: 'account.locked', storeId: meta.storeId, userId: meta.userId ?? null, ip: meta.ip, details: { factor: meta.factor, username: meta.username } });
          if (meta.userId) await deps.notify({ type: 'account_locked', userId: meta.userId, details: { ip: meta.ip } });
        }
      }
    },

    async succeed(keys: string[]): Promise<void> {
      // success clears the account counter; the address counter keeps counting other people's failures
      for (const key of keys) if (key.startsWith('acct:')) await deps.store.reset(key);
    },
  };
}

export type ThrottleGuard = ReturnType<typeof createThrottleGuard>;
