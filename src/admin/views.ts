// View models of the admin pages: translated labels, badges, dates and links, as data for the Handlebars templates.
import type { Locale } from '../http/i18n.js';
import { addressInWords, userAgentInWords } from '../http/session-rows.js';
import type { AdminUserSummary, MfaStatus, PolicyView } from '../services/admin/index.js';
import type { DeviceRecord } from '../services/account/devices.js';
import type { PassRecord } from '../services/access-passes/index.js';
import type { MfaReason, Role } from '../services/policy/index.js';
import { deadlineInWords } from '../services/rollout/deadline.js';
import { factorWords } from '../../factors/words.js';

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export interface Chrome {
  storeName: string;
  storePrefix: string;
  adminName: string;
  adminRole: string;
  csrf: string;
  nav: Array<{ href: string; label: string; current: boolean }>;
}

export type Section = 'overview' | 'users' | 'policy' | 'coverage' | 'audit' | 'registers';

export function chromeView(t: Translate, current: Section, who: { storeName: string; storePrefix: string; adminName: string; adminRole: Role; csrf: string }): Chrome {
  const nav: Array<[Section, string]> = [
    ['overview', '/admin'],
    ['users', '/admin/users'],
    ['policy', '/admin/policy'],
    ['coverage', '/admin/mfa-coverage'],
    ['audit', '/admin/audit'],
    ['registers', '/admin/registers'],
  ];
  return {
    storeName: who.storeName,
    storePrefix: who.storePrefix,
    adminName: who.adminName,
    adminRole: roleLabel(t, who.adminRole),
    csrf: who.csrf,
    nav: nav.map(([section, href]) => ({ href, label: t(`admin.nav.${section}`), current: section === current })),
  };
}

export const roleLabel = (t: Translate, role: Role) => t(`account.roles.${role}`);

const STATUS_BADGE: Record<MfaStatus, string> = { active: 'badge-on', overdue: 'badge-warn', required: 'badge-warn', reset: 'badge-warn', due: 'badge-off', optional: 'badge-off' };

/** A user's MFA standing in words, the same on the users list, a user's page and MFA coverage: a short label for the
 * badge ("Overdue") and, where there is more to say, a line under it ("It was due by 31 January 2027."). */
export const standingLabel = (t: Translate, status: MfaStatus) => t(`admin.mfa_status.${status}`);
export function standingDetail(t: Translate, locale: Locale, status: MfaStatus, deadline: string | undefined): string | undefined {
  if (status === 'reset') return t('admin.mfa_detail.reset');
  if ((status === 'overdue' || status === 'due') && deadline) return t(`admin.mfa_detail.${status}`, { deadline: deadlineInWords(deadline, locale) });
  return undefined;
}
export const standingBadge = (status: MfaStatus) => STATUS_BADGE[status];

export function dateTime(locale: Locale, d: Date | null | undefined): string {
  if (!d) return '';
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
}

export function userRow(t: Translate, locale: Locale, u: AdminUserSummary) {
  return {
    id: u.id,
    href: `/admin/users/${u.id}`,
    username: u.username,
    name: u.name,
    email: u.email,
    role: u.role,
    roleLabel: roleLabel(t, u.role),
    active: u.active,
    mfaStatus: u.mfaStatus,
    mfaLabel: standingLabel(t, u.mfaStatus),
    mfaDetail: standingDetail(t, locale, u.mfaStatus, u.mfaDeadline),
    mfaBadge: STATUS_BADGE[u.mfaStatus],
    mfaReasons: u.mfaReasons.map((r: MfaReason) => t(`admin.mfa_reason.${r}`)),
    mustEnrol: u.mustEnrol,
    // the second factors the user has, by name ("Passkey, Authenticator app"), and the sentences that name them
    factorNames: u.credentialTypes.map((type) => t(`factors.${type}.name`)).join(', '),
    factorsWords: factorWords(u.credentialTypes),
    enrolledAt: dateTime(locale, u.mfaEnrolledAt),
    createdAt: dateTime(locale, u.createdAt),
  };
}

export function deviceRow(t: Translate, locale: Locale, d: DeviceRecord) {
  return {
    id: d.id,
    userAgent: d.userAgent,
    device: userAgentInWords(t, d.userAgent),
    ip: addressInWords(t, d.ip),
    createdAt: dateTime(locale, d.createdAt),
    lastUsedAt: dateTime(locale, d.lastUsedAt),
    expiresAt: dateTime(locale, d.expiresAt),
  };
}

export function passRow(t: Translate, locale: Locale, p: PassRecord) {
  return { id: p.id, reason: t(`admin-user.pass_reason.${p.reason}`), createdAt: dateTime(locale, p.createdAt), expiresAt: dateTime(locale, p.expiresAt) };
}

export function policyView(p: PolicyView) {
  return { ...p.policy, passwordEnrolmentUntil: p.policy.passwordEnrolmentUntil?.toISOString().slice(0, 10) ?? '', auXero: p.auXero };
}

/** Links to the neighbouring pages of a list, keeping its filters. */
export function pager(base: string, params: Record<string, string | undefined>, page: number, pages: number) {
  const href = (n: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (n > 1) q.set('page', String(n));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  return { page, pages, prev: page > 1 ? href(page - 1) : undefined, next: page < pages ? href(page + 1) : undefined, show: pages > 1 };
}

export function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
