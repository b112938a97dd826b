// Throttling of checked attempts (B2, B18; checklist 21-24; policy in ./index.ts), at one database command per attempt:
// - an account's counts live on the user record, so the read that finds the user also finds them: the count of
//   unknown sources, whether that sign-in is closed, the count of second factors after a right password, and one
//   count per known device;
// - at most one checked attempt per account, source class and second, cluster-wide (a unique marker per second),
//   so parallel guesses are refused instead of raced; a known device never waits for an unknown source's slot;
// - the per-address count, and counts for usernames that do not exist (nothing to lock, but the same answers), are
//   kept in this process; such a name's attempts still make the database commands a real one's make.
import { LRUCache } from 'lru-cache';
import { addressFailuresAsAccount, backoffSeconds, CLOSE_AFTER } from './index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import { noObserver, type ThrottleObserver } from '../observe/index.js';

export interface SourceCount {
  failures: number;
  lastFailureAt: Date | null;
}

export interface DeviceCount extends SourceCount {
  tag: string;
}

export interface AccountThrottleState extends SourceCount {
  /** password checks from unknown sources closed after CLOSE_AFTER failures, until unlocked */
  closedAt: Date | null;
  /** counts unlocks, so an unlock link works once */
  generation: number;
  /**
   * Second-factor failures from unknown sources after a right password: the only count that holds back a second
   * factor (an attacker without the password cannot touch it; checklist 24).
   */
  afterPassword: SourceCount;
  devices: DeviceCount[];
}

const NO_COUNT: SourceCount = { failures: 0, lastFailureAt: null };

export const NO_FAILURES: AccountThrottleState = { failures: 0, lastFailureAt: null, closedAt: null, generation: 0, afterPassword: NO_COUNT, devices: [] };

export interface ThrottlePort {
  save(userId: string, change: Partial<Omit<AccountThrottleState, 'generation'>>): Promise<void>;
  /** Reopens sign-in and clears every count, if the generation is still `generation`; true when it did. */
  unlock(userId: string, generation: number): Promise<boolean>;
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
export type Refusal = { kind: 'wait'; seconds: number } | { kind: 'closed' };
export type AttemptOutcome = { kind: 'ok' } | { kind: 'failed' } | Refusal;

export type Factor = 'password' | 'totp' | 'recovery' | 'passkey' | 'pin';

export interface Subject {
  storeId: string;
  username: string;
  /** The user, when the username exists, with the counts read together with it. */
  user?: { id: string; throttle: AccountThrottleState };
  /** This user's tag on the device the attempt comes from, when it is a known device (./known-devices.ts). */
  device?: string;
}

export interface AttemptMeta {
  ip: string;
  factor: Factor;
  /** The address counts too (passwords: spraying many usernames from one place). */
  countAddress?: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const MAX_DEVICES = 20;

export function createThrottleGuard(deps: {
  store: ThrottlePort;
  /** inserts markers in order and stops at the first one already taken; returns how many it inserted */
  claimInOrder(markers: Marker[]): Promise<number>;
  clock: () => Date;
  /** Waits until the clock reads `at` (a test's clock moves instead); real time by default. */
  sleepUntil?: (at: Date) => Promise<void>;
  audit: AuditRecorder;
  notify: Notifier;
  /** Sees refusals and lock-outs (monitoring). */
  observe?: ThrottleObserver;
}) {
  const observe = deps.observe ?? noObserver;
  const sleepUntil = deps.sleepUntil ?? ((at: Date) => new Promise<void>((r) => setTimeout(r, at.getTime() - deps.clock().getTime())));
  const local = new LRUCache<string, SourceCount & { closedAt?: Date }>({ max: 100_000, ttl: DAY_MS });

  const waitFor = (count: SourceCount, failures: number, now: Date) => {
    if (!count.lastFailureAt) return 0;
    const until = count.lastFailureAt.getTime() + backoffSeconds(failures) * 1000;
    return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
  };
  const unknownUserKey = (s: Subject) => `acct:${s.storeId}:${s.username.toLowerCase()}`;
  const addressKey = (ip: string) => `ip:${ip}`;
  const deviceCount = (s: Subject): DeviceCount | undefined =>
    s.device ? (s.user?.throttle.devices.find((d) => d.tag === s.device) ?? { tag: s.device, failures: 0, lastFailureAt: null }) : undefined;
  const accountCount = (s: Subject) => s.user?.throttle ?? local.get(unknownUserKey(s)) ?? NO_FAILURES;
  const isPassword = (factor: Factor) => factor === 'password';
  const refusalBy = (count: SourceCount, now: Date): Refusal | undefined => {
    if (count.failures >= CLOSE_AFTER) return { kind: 'closed' };
    const seconds = waitFor(count, count.failures, now);
    return seconds > 0 ? { kind: 'wait', seconds } : undefined;
  };
  const addressRefusal = (ip: string, now: Date): Refusal | undefined => {
    const a = local.get(addressKey(ip));
    const seconds = a ? waitFor(a, addressFailuresAsAccount(a.failures), now) : 0;
    return seconds > 0 ? { kind: 'wait', seconds } : undefined;
  };
  // what holds back a password from an unknown source: the account's count of every failure there
  const accountRefusal = (s: Subject, now: Date): Refusal | undefined => {
    const account = accountCount(s);
    if (account.closedAt) return { kind: 'closed' };
    const seconds = waitFor(account, account.failures, now);
    return seconds > 0 ? { kind: 'wait', seconds } : undefined;
  };
  const longer = (a: Refusal | undefined, b: Refusal | undefined): Refusal | undefined => {
    if (!a || !b) return a ?? b;
    if (a.kind === 'closed' || b.kind === 'closed') return { kind: 'closed' };
    return a.seconds >= b.seconds ? a : b;
  };

  // a known device waits only for its own failures; an unknown source for the account's and the address's
  const slotFor = (s: Subject, factor: Factor, now: Date): Marker => ({
    key: `attempt:${s.user?.id ?? unknownUserKey(s)}:${isPassword(factor) ? 'password' : 'second'}:${s.device ?? 'unknown'}:${Math.floor(now.getTime() / 1000)}`,
    expiresAt: new Date(now.getTime() + 5_000),
  });
  // the slot is claimed in the database for a name that does not exist too: the same command, so the answer's work
  // does not tell which names exist (checklist 25), and the same serialisation across instances
  const claimerFor = (slot: Marker): ClaimSlot => (markers = []) => deps.claimInOrder([slot, ...markers]);

  // `afterPassword`: a second factor was checked after a right password, and was wrong
  async function fail(s: Subject, meta: AttemptMeta, now: Date, afterPassword = false) {
    const device = deviceCount(s);
    if (s.user && device) {
      const next = { tag: device.tag, failures: device.failures + 1, lastFailureAt: now };
      const devices = [next, ...s.user.throttle.devices.filter((d) => d.tag !== device.tag)].slice(0, MAX_DEVICES);
      await deps.store.save(s.user.id, { devices });
      return;
    }
    if (meta.countAddress) {
      const a = local.get(addressKey(meta.ip)) ?? NO_FAILURES;
      local.set(addressKey(meta.ip), { failures: a.failures + 1, lastFailureAt: now });
    }
    const before = accountCount(s);
    const failures = before.failures + 1;
    const closedAt = failures >= CLOSE_AFTER ? (before.closedAt ?? now) : null;
    if (!s.user) {
      local.set(unknownUserKey(s), { failures, lastFailureAt: now, closedAt: closedAt ?? undefined });
      // nothing to store for a name that does not exist, but a write as a real one's failure makes (checklist 25)
      await deps.claimInOrder([{ key: `failed:${unknownUserKey(s)}:${now.getTime()}:${failures}`, expiresAt: new Date(now.getTime() + 5_000) }]);
      return;
    }
    const after = s.user.throttle.afterPassword;
    await deps.store.save(s.user.id, { failures, lastFailureAt: now, closedAt, ...(afterPassword ? { afterPassword: { failures: after.failures + 1, lastFailureAt: now } } : {}) });
    // told once: at the failure that closes it
    if (closedAt && !before.closedAt) {
      observe.locked({ factor: meta.factor });
      await deps.audit.record({ type: 'account.locked', storeId: s.storeId, userId: s.user.id, ip: meta.ip, details: { factor: meta.factor, failures } });
      await deps.notify({ type: 'account_locked', userId: s.user.id, details: { ip: meta.ip, generation: s.user.throttle.generation } });
    }
  }

  const guard = {
    /** A check that needs nothing but the slot (a password). */
    simply: (verify: () => Promise<boolean>) => async (claim: ClaimSlot): Promise<AttemptVerdict> => {
      if ((await claim()) === 0) return 'busy';
      return (await verify()) ? 'ok' : 'failed';
    },

    /**
     * Whether this source may try now: closed, a number of seconds to wait, or nothing. A known device waits for its
     * own failures only; from an unknown source a password waits for the account's count (and the address's), and a
     * second factor, which is only ever checked after a right password, for the account's second-factor count only:
     * an attacker without the password can neither slow it down nor close it (checklist 24).
     */
    refusal(s: Subject, meta: Pick<AttemptMeta, 'ip' | 'countAddress' | 'factor'>): Refusal | undefined {
      const now = deps.clock();
      const device = deviceCount(s);
      if (device) return refusalBy(device, now);
      if (!isPassword(meta.factor) && s.user) return refusalBy(s.user.throttle.afterPassword, now);
      return longer(accountRefusal(s, now), meta.countAddress ? addressRefusal(meta.ip, now) : undefined);
    },

    /**
     * From an unknown source, while the account's own count holds its password back (not the address's, which keeps
     * guarding this process's CPU): the refusal. The password is then only taken together with a second factor
     * (interactions/password), so the real user still gets in on a new device (checklist 24).
     */
    passwordNeedsSecondFactor(s: Subject, meta: Pick<AttemptMeta, 'ip'>): Refusal | undefined {
      const now = deps.clock();
      if (deviceCount(s) || addressRefusal(meta.ip, now)) return undefined;
      const refused = accountRefusal(s, now);
      // a refusal of the password alone, for monitoring
      if (refused) observe.refused({ reason: refused.kind, factor: 'password' });
      return refused;
    },

    /** A success clears the counts of the source it came from (checklist 23); the address keeps counting. */
    async succeed(s: Subject): Promise<void> {
      const device = deviceCount(s);
      if (!s.user) {
        local.delete(unknownUserKey(s));
        return;
      }
      if (device) {
        if (device.failures > 0) await deps.store.save(s.user.id, { devices: s.user.throttle.devices.filter((d) => d.tag !== device.tag) });
        return;
      }
      const { throttle } = s.user;
      // a closed account stays closed for passwords until an admin or the emailed link reopens it (B18)
      const change = {
        ...(throttle.failures > 0 && !throttle.closedAt ? { failures: 0, lastFailureAt: null } : {}),
        ...(throttle.afterPassword.failures > 0 ? { afterPassword: NO_COUNT } : {}),
      };
      if (Object.keys(change).length) await deps.store.save(s.user.id, change);
    },

    /**
     * One checked attempt. `check` must call its ClaimSlot first and answer 'busy' when that claimed nothing. Only a
     * whole sign-in or a second factor clears the count (clearOnSuccess), so re-entering a known password never buys
     * fresh code guesses.
     */
    async attempt(s: Subject, meta: AttemptMeta, check: (claim: ClaimSlot) => Promise<AttemptVerdict>, opts: { clearOnSuccess: boolean }): Promise<AttemptOutcome> {
      const refused = guard.refusal(s, meta);
      if (refused) {
        observe.refused({ reason: refused.kind, factor: meta.factor });
        return refused;
      }
      let verdict: AttemptVerdict = 'busy';
      let at = deps.clock();
      for (let tries = 0; tries < 2 && verdict === 'busy'; tries++) {
        if (tries > 0) {
          // a busy slot is tried once more in the next second: attempts that collided wait for the same moment
          await sleepUntil(new Date(Math.floor(at.getTime() / 1_000) * 1_000 + 1_005));
          at = deps.clock();
        }
        verdict = await check(claimerFor(slotFor(s, meta.factor, at)));
      }
      if (verdict === 'busy') {
        observe.refused({ reason: 'busy', factor: meta.factor });
        return { kind: 'wait', seconds: 1 };
      }
      if (verdict === 'failed') {
        await fail(s, meta, deps.clock(), !isPassword(meta.factor));
        return { kind: 'failed' };
      }
      if (opts.clearOnSuccess) await guard.succeed(s);
      return { kind: 'ok' };
    },

    /**
     * A password and a second factor taken together from an unknown source (passwordNeedsSecondFactor): `proven`
     * says the password was right and the user has this factor. Only then, and only while the second-factor count
     * allows, is the factor checked (one attempt, never waiting for the slot). Every other case, and a busy slot, makes
     * the same writes as a failed check and answers the same, so neither the answer nor its work tells an attacker
     * whether the password was right. Each failure counts like any other from an unknown source.
     */
    async bothFactors(
      s: Subject,
      meta: AttemptMeta & { attemptKey: string },
      proven: boolean,
      check: (claim: ClaimSlot) => Promise<AttemptVerdict>,
    ): Promise<{ kind: 'ok' } | { kind: 'failed'; checked: boolean }> {
      const now = deps.clock();
      const open = proven && s.user !== undefined && !refusalBy(s.user.throttle.afterPassword, now);
      let verdict: AttemptVerdict = 'failed';
      if (open) {
        verdict = await check(claimerFor(slotFor(s, meta.factor, now)));
        if (verdict === 'ok') {
          await guard.succeed(s);
          return { kind: 'ok' };
        }
      } else {
        // the slot of this attempt alone: nothing to serialise, but the same insert a checked attempt makes
        await claimerFor({ key: `attempt:${s.user?.id ?? unknownUserKey(s)}:both:${meta.attemptKey}:${now.getTime()}`, expiresAt: new Date(now.getTime() + 5_000) })();
      }
      const checked = open && verdict === 'failed';
      if (verdict === 'busy') observe.refused({ reason: 'busy', factor: meta.factor });
      await fail(s, meta, now, checked);
      return { kind: 'failed', checked };
    },

    /** Reopens a closed account (an admin, or the emailed link of this generation); true when it was reopened. */
    async unlock(userId: string, generation: number, actor: { actorId: string | null; storeId: string; ip?: string; via: 'admin' | 'link' }): Promise<boolean> {
      if (!(await deps.store.unlock(userId, generation))) return false;
      await deps.audit.record({ type: 'account.unlocked', storeId: actor.storeId, userId, actorId: actor.actorId, ip: actor.ip, details: { via: actor.via } });
      await deps.notify({ type: 'account_unlocked', userId, actorId: actor.actorId ?? userId });
      return true;
    },
  };
  return guard;
}

export type ThrottleGuard = ReturnType<typeof createThrottleGuard>;
