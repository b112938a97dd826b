// MFA roll-out (B21): who is covered per role, reminders a week and a day before a deadline, the owner's weekly
// summary while anyone is overdue, and the admin's one-click reminder. Every email has an idempotency key, so
// several instances running the job at once still send each one once.
import type { StoreView } from '../account/users.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { Role } from '../policy/index.js';
import { ROLES } from '../roles.js';
import { mfaStanding, STANDINGS, type MfaStanding } from '../policy/standing.js';
import { isoWeekOf, reminderDue, rolloutFor, storeToday, type Rollout } from './deadline.js';

/** The dashboard lists at most this many users without MFA (the counts are always complete). */
export const LIST_LIMIT = 500;

export interface RolloutUser {
  id: string;
  name: string;
  username: string;
  role: Role;
  hasEmail: boolean;
  /** an admin's or support's reset asks for MFA again at the next sign-in */
  mustEnrol: boolean;
}

export interface RolloutPort {
  /** stores with a roll-out deadline for some role (an indexed flag) */
  storesWithRollout(): Promise<StoreView[]>;
  /** active users per role, MFA state and pending reset: one aggregation */
  roleCounts(storeId: string): Promise<Array<{ role: Role; mfaEnabled: boolean; mustEnrol: boolean; count: number }>>;
  /** active users without MFA, by username, at most `limit` */
  notEnrolled(storeId: string, limit: number): Promise<RolloutUser[]>;
  ownerId(storeId: string): Promise<string | undefined>;
  /** a marker that this store's work for a day (and policy) is done: read before, written after */
  isDone(key: string, now: Date): Promise<boolean>;
  markDone(key: string, expiresAt: Date): Promise<void>;
  /** consume-once: true for exactly one caller per key (so each email is audited once) */
  claim(key: string, expiresAt: Date): Promise<boolean>;
}

/** What a role's users must do: required now (by a passed deadline, or without one), asked by a date, or nothing. */
export type RoleDemand = { kind: 'required'; deadline?: string } | { kind: 'by_date'; rollout: Rollout } | { kind: 'optional' };

export interface RoleCoverage {
  role: Role;
  total: number;
  /** active users of the role per standing (src/services/policy/standing.ts): the users list counts the same way */
  counts: Record<MfaStanding, number>;
  demand: RoleDemand;
}

export interface CoverageUser extends RolloutUser {
  standing: MfaStanding;
  /** the role's roll-out deadline ("YYYY-MM-DD"), when the store set one */
  deadline?: string;
  daysLeft?: number;
}

export interface Coverage {
  roles: RoleCoverage[];
  /** the active users without MFA (at most LIST_LIMIT), each with their standing */
  users: CoverageUser[];
  /** more users without MFA than listed */
  truncated: boolean;
  today: string;
}

const DAY_MS = 86_400_000;

/** A role's rule, as the standing of a user of it who has no MFA and was never reset. */
export function demandOf(role: Role, store: StoreView, now: Date): RoleDemand {
  const { standing, rollout } = mfaStanding({ role, mfaEnabled: false, mustEnrol: false }, store, now);
  if (standing === 'overdue' || standing === 'required') return { kind: 'required', deadline: rollout?.enforced ? rollout.deadline : undefined };
  if (standing === 'due' && rollout) return { kind: 'by_date', rollout };
  return { kind: 'optional' };
}

/** Standings a reminder email fits: the store asks for MFA by its policy (a reset is the admin's own word to give). */
const REMINDED: ReadonlySet<MfaStanding> = new Set(['overdue', 'required', 'due']);

export interface RolloutDeps {
  port: RolloutPort;
  notify: Notifier;
  audit: AuditRecorder;
  clock: () => Date;
}

export function createRolloutService(deps: RolloutDeps) {
  const { port, notify, audit, clock } = deps;

  async function coverage(store: StoreView): Promise<Coverage> {
    const now = clock();
    const [groups, missing] = await Promise.all([port.roleCounts(store.id), port.notEnrolled(store.id, LIST_LIMIT + 1)]);
    const roles = ROLES.map((role): RoleCoverage => {
      const counts = Object.fromEntries(STANDINGS.map((s) => [s, 0])) as Record<MfaStanding, number>;
      for (const g of groups.filter((x) => x.role === role)) counts[mfaStanding(g, store, now).standing] += g.count;
      return { role, total: groups.filter((x) => x.role === role).reduce((n, g) => n + g.count, 0), counts, demand: demandOf(role, store, now) };
    });
    const users = missing.slice(0, LIST_LIMIT).map((u): CoverageUser => {
      const { standing, rollout } = mfaStanding({ ...u, mfaEnabled: false }, store, now);
      return { ...u, standing, deadline: rollout?.deadline, daysLeft: rollout?.daysLeft };
    });
    return { roles, users, truncated: missing.length > LIST_LIMIT, today: storeToday(now, { country: store.country, timeZone: store.policy.timeZone }) };
  }

  // queue under `key` (once however often), then audit the first time only
  async function sendOnce(key: string, send: () => Promise<void>, event: Parameters<AuditRecorder['record']>[0]): Promise<boolean> {
    await send();
    const first = await port.claim(`audit:${key}`, new Date(clock().getTime() + 40 * DAY_MS));
    if (first) await audit.record(event);
    return first;
  }

  /** The admin's "Send reminder": at most one per user and day (later clicks that day send nothing). */
  async function remind(store: StoreView, user: RolloutUser, actor: { id: string; ip?: string; userAgent?: string }): Promise<'sent' | 'already_sent' | 'no_email' | 'not_due'> {
    if (!user.hasEmail) return 'no_email';
    const now = clock();
    const { standing, rollout } = mfaStanding({ ...user, mfaEnabled: false }, store, now);
    if (!REMINDED.has(standing)) return 'not_due';
    const deadline = rollout?.deadline ?? '';
    const daysLeft = standing === 'due' && rollout ? rollout.daysLeft : -1;
    const today = storeToday(now, { country: store.country, timeZone: store.policy.timeZone });
    const key = `rollout-reminder:${user.id}:${deadline || 'now'}:admin:${today}`;
    const first = await sendOnce(
      key,
      () => notify({ type: 'rollout_reminder', userId: user.id, actorId: actor.id, key, details: { deadline, daysLeft } }),
      { type: 'rollout.reminder_sent', userId: user.id, storeId: store.id, actorId: actor.id, ip: actor.ip, userAgent: actor.userAgent, details: { deadline, daysLeft, via: 'admin' } },
    );
    return first ? 'sent' : 'already_sent';
  }

  /** One pass of the periodic job over one store: the due reminders, then the weekly summary while anyone is overdue. */
  async function runStore(store: StoreView): Promise<void> {
    const now = clock();
    const today = storeToday(now, { country: store.country, timeZone: store.policy.timeZone });
    const doneKey = `rollout-run:${store.id}:${today}:${store.policy.managerMfaBy ?? '-'}:${store.policy.cashierMfaBy ?? '-'}`;
    if (await port.isDone(doneKey, now)) return;
    const cover = await coverage(store);
    for (const u of cover.users) {
      // a user without an address: the owner gets the reminder on their behalf (the notifier's owner fallback, S4)
      if (u.standing !== 'due' || !u.deadline) continue;
      const stage = reminderDue(rolloutFor(u.role, store, now));
      if (!stage) continue;
      const key = `rollout-reminder:${u.id}:${u.deadline}:${stage}`;
      await sendOnce(key, () => notify({ type: 'rollout_reminder', userId: u.id, key, details: { deadline: u.deadline, daysLeft: u.daysLeft } }), {
        type: 'rollout.reminder_sent',
        userId: u.id,
        storeId: store.id,
        details: { deadline: u.deadline, daysLeft: u.daysLeft ?? 0, via: stage },
      });
    }
    const overdue = cover.roles.reduce((n, r) => n + r.counts.overdue, 0);
    const ownerId = overdue > 0 ? await port.ownerId(store.id) : undefined;
    if (ownerId) {
      const week = isoWeekOf(today);
      const key = `rollout-summary:${store.id}:${week}`;
      const details = summaryDetails(cover, week);
      await sendOnce(key, () => notify({ type: 'rollout_summary', userId: ownerId, key, details }), {
        type: 'rollout.summary_sent',
        userId: ownerId,
        storeId: store.id,
        details: { week, overdue },
      });
    }
    await port.markDone(doneKey, new Date(now.getTime() + 2 * DAY_MS));
  }

  return {
    coverage,
    remind,
    /** The periodic job (src/rollout/job.ts): every store with a roll-out. */
    async runSchedule(): Promise<void> {
      for (const store of await port.storesWithRollout()) await runStore(store);
    },
  };
}

/** The summary email's facts: counts per role, who is overdue, who is due without an email (the owner tells them). */
export function summaryDetails(cover: Coverage, week: string) {
  return {
    week,
    roles: cover.roles.filter((r) => r.total > 0).map((r) => ({ role: r.role, total: r.total, enrolled: r.counts.active, due: r.counts.due, overdue: r.counts.overdue })),
    overdue: cover.users.filter((u) => u.standing === 'overdue').map((u) => ({ name: u.name, role: u.role, hasEmail: u.hasEmail })),
    dueWithoutEmail: cover.users.filter((u) => u.standing === 'due' && !u.hasEmail).map((u) => ({ name: u.name, role: u.role, deadline: u.deadline ?? '' })),
    truncated: cover.truncated,
  };
}

export type RolloutService = ReturnType<typeof createRolloutService>;
