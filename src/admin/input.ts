// Input of the admin routes (forms, JSON, query strings) as zod schemas: scalars only, bounded lengths (checklist 85).
import { z } from 'zod';
import { ROLES } from '../services/roles.js';
import { REMEMBER_DAYS, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from '../services/admin/index.js';
import { isCalendarDate } from '../services/rollout/deadline.js';
import { AUDIT_CATEGORIES } from '../services/audit/categories.js';

const role = z.enum(ROLES);
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const optionalText = (max: number) => z.preprocess(first, z.string().trim().max(max).optional());
// HTML checkboxes send "on" (or a value we chose); JSON sends booleans
const flag = z.union([z.boolean(), z.enum(['on', 'true', '1', 'yes']).transform(() => true), z.enum(['false', '0', 'no', 'off']).transform(() => false)]);

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;

export const userListQuery = z.object({
  q: optionalText(100),
  role: z.preprocess((v) => (first(v) === '' ? undefined : first(v)), role.optional()),
  mfa: z.preprocess((v) => (first(v) === '' ? undefined : first(v)), z.enum(['active', 'inactive']).optional()),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(100_000).default(1)),
});

export const newUser = z.object({
  username: z.string().trim().toLowerCase().regex(USERNAME),
  name: z.string().trim().min(1).max(100),
  email: z.union([z.literal(''), z.null(), z.email().max(254)]).optional(),
  role,
  password: z.string().min(1).max(1024),
  password_confirm: z.string().max(1024).optional(),
});

export const roleChange = z.object({ role });

export const mfaChange = z.object({
  password: z.string().max(1024).default(''),
  // the admin confirms having checked the user's identity as carefully as at enrolment (checklist 62)
  confirm: flag.optional(),
});

const rolloutDate = z
  .union([z.literal(''), z.null(), z.string().refine(isCalendarDate)])
  .transform((v) => v || null)
  .optional();

export const policyChange = z
  .object({
    requireForAdmins: flag.optional(),
    requireForManagers: flag.optional(),
    requireForEveryone: flag.optional(),
    rememberDeviceAllowed: flag.optional(),
    rememberDeviceDays: z.coerce.number().int().min(REMEMBER_DAYS.min).max(REMEMBER_DAYS.max).optional(),
    sessionIdleMinutes: z.coerce.number().int().min(SESSION_IDLE_MINUTES.min).max(SESSION_IDLE_MINUTES.max).optional(),
    sessionAbsoluteHours: z.coerce.number().int().min(SESSION_ABSOLUTE_HOURS.min).max(SESSION_ABSOLUTE_HOURS.max).optional(),
    // B17: password-only first enrolment until a date (empty: never)
    passwordEnrolmentUntil: z
      .union([z.literal(''), z.null(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)])
      .transform((v) => (v ? new Date(`${v}T23:59:59.999Z`) : null))
      .optional(),
    // B21: a role's roll-out deadline, the last day without MFA (empty: none)
    managerMfaBy: rolloutDate,
    cashierMfaBy: rolloutDate,
  })
  .strict();

/** The error a refused policy form gets: a number out of its range is named, anything else is invalid input. */
export function policyInputError(issues: ReadonlyArray<{ path: PropertyKey[] }>): string {
  const field = (name: string) => issues.some((i) => i.path[0] === name);
  if (field('rememberDeviceDays')) return 'remember_days_range';
  if (field('sessionIdleMinutes')) return 'session_idle_range';
  if (field('sessionAbsoluteHours')) return 'session_absolute_range';
  if (field('managerMfaBy') || field('cashierMfaBy')) return 'rollout_date_invalid';
  return 'invalid_input';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

// A date means the whole day (UTC); a date-time is taken as given (UTC unless it has an offset).
function instant(value: string | undefined, endOfDay: boolean): Date | undefined | null {
  if (!value) return undefined;
  if (DATE.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) return null;
    return endOfDay ? new Date(d.getTime() + 86_400_000) : d;
  }
  if (!DATETIME.test(value)) return null;
  const d = new Date(/Z|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

// A place in the audit log: "<milliseconds>-<event id>" of the last event shown (stable however many events arrive).
const CURSOR = /^(\d{1,15})-([0-9a-f]{24})$/;
const cursor = z.preprocess(first, z.string().regex(CURSOR).optional());
export const cursorOf = (e: { at: Date; id: string }): string => `${e.at.getTime()}-${e.id}`;
const parseCursor = (value: string | undefined, direction: 'older' | 'newer') => {
  const m = value ? CURSOR.exec(value) : null;
  return m ? { at: new Date(Number(m[1])), id: m[2] ?? '', direction } : undefined;
};

// How many newer events come before a page: carried by the pager's links to number the events; anything else is ignored.
const position = z.preprocess((v) => {
  const n = Number(first(v));
  return typeof first(v) === 'string' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}, z.number().optional());

export const auditQuery = z
  .object({
    user: optionalText(100),
    category: z.preprocess((v) => (first(v) === '' ? undefined : first(v)), z.enum(AUDIT_CATEGORIES).optional()),
    type: z.preprocess(first, z.string().trim().max(100).regex(/^[a-z0-9._-]*$/i).optional()),
    from: optionalText(40),
    to: optionalText(40),
    older: cursor,
    newer: cursor,
    before: position,
  })
  .transform((q, ctx) => {
    const from = instant(q.from, false);
    const to = instant(q.to, true);
    if (from === null) ctx.addIssue({ code: 'custom', path: ['from'], message: 'invalid date' });
    if (to === null) ctx.addIssue({ code: 'custom', path: ['to'], message: 'invalid date' });
    return {
      raw: q,
      filter: { user: q.user || undefined, category: q.category, type: q.type || undefined, from: from ?? undefined, to: to ?? undefined },
      cursor: parseCursor(q.older, 'older') ?? parseCursor(q.newer, 'newer'),
      before: q.before,
    };
  });
