// MFA roll-out deadlines per role (B21): "set up by 31 January" means enforced from 1 February, 00:00 store time.
import type { Role } from '../roles.js';
import { storeTimeZone, type ZonedStore } from '../policy/time-zone.js';

/** The roles a store can give a deadline; owners and admins always need MFA (S1). */
export const ROLLOUT_ROLES = ['manager', 'cashier'] as const;
export type RolloutRole = (typeof ROLLOUT_ROLES)[number];

export interface RolloutPolicy {
  /** the last day ("YYYY-MM-DD", store time) on which a manager may still sign in without MFA; null: no roll-out */
  managerMfaBy: string | null;
  cashierMfaBy: string | null;
  /** the store's chosen time zone (B19's business day), else its country's */
  timeZone?: string | null;
}

export interface Rollout {
  /** the last day without MFA, "YYYY-MM-DD" */
  deadline: string;
  /** calendar days from today (store time) to the deadline: 0 on its last day, negative once enforced */
  daysLeft: number;
  enforced: boolean;
}

/** Today's date in the store's time zone, "YYYY-MM-DD". */
export function storeToday(now: Date, store: ZonedStore): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: storeTimeZone(store), year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

export const isCalendarDate = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export const deadlineOf = (role: Role, policy: RolloutPolicy): string | null =>
  role === 'manager' ? policy.managerMfaBy : role === 'cashier' ? policy.cashierMfaBy : null;

/** The roll-out that concerns this role now, if the store set one. */
export function rolloutFor(role: Role, store: { country: string; policy: RolloutPolicy }, now: Date): Rollout | undefined {
  const deadline = deadlineOf(role, store.policy);
  if (!deadline || !isCalendarDate(deadline)) return undefined;
  const daysLeft = dayNumber(deadline) - dayNumber(storeToday(now, { country: store.country, timeZone: store.policy.timeZone }));
  return { deadline, daysLeft, enforced: daysLeft < 0 };
}

/** Which reminder is due now: a week before (7 to 2 days left), a day before (1 or 0 days left), or none. */
export function reminderDue(rollout: Rollout | undefined): '7d' | '1d' | undefined {
  if (!rollout || rollout.enforced) return undefined;
  if (rollout.daysLeft <= 1) return '1d';
  if (rollout.daysLeft <= 7) return '7d';
  return undefined;
}

const DATE_LOCALES = { en: 'en-GB', nl: 'nl-NL' } as const;

/** "31 January 2026" / "31 januari 2026": a calendar day, so no time zone may shift it. */
export const deadlineInWords = (deadline: string, locale: 'en' | 'nl') =>
  new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: 'UTC', dateStyle: 'long' }).format(new Date(`${deadline}T00:00:00Z`));

/** The ISO week of a store-time date, "2026-W05": the weekly summary's idempotency key. */
export function isoWeekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 3);
  const year = d.getUTCFullYear();
  // the week's Thursday decides the year; its day of that year decides the week
  const week = Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
