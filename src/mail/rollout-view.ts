// The roll-out emails' own facts (B21): the deadline in words and the days left, or the owner's weekly summary rows.
import { translate, type Locale } from '../http/i18n.js';
import { deadlineInWords } from '../services/rollout/deadline.js';

type Row = Record<string, unknown>;
const rows = (v: unknown): Row[] => (Array.isArray(v) ? v.filter((r): r is Row => typeof r === 'object' && r !== null) : []);
const role = (locale: Locale, r: Row) => translate(locale, `account.roles.${String(r.role)}`);
const date = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function rolloutEmailView(type: 'rollout_reminder' | 'rollout_summary', d: Record<string, unknown>, locale: Locale): Record<string, unknown> {
  if (type === 'rollout_reminder') {
    const deadline = date(d.deadline);
    const daysLeft = typeof d.daysLeft === 'number' ? d.daysLeft : undefined;
    return {
      deadlineText: deadline ? deadlineInWords(deadline, locale) : undefined,
      daysLeft,
      lastDay: daysLeft === 0,
      overdue: !deadline || (daysLeft ?? 0) < 0,
    };
  }
  return {
    week: String(d.week ?? ''),
    roleRows: rows(d.roles).map((r) => ({ label: role(locale, r), total: Number(r.total), enrolled: Number(r.enrolled), due: Number(r.due), overdue: Number(r.overdue) })),
    overdueUsers: rows(d.overdue).map((r) => ({ name: String(r.name), role: role(locale, r), noEmail: r.hasEmail !== true })),
    dueWithoutEmail: rows(d.dueWithoutEmail).map((r) => ({ name: String(r.name), role: role(locale, r), deadline: date(r.deadline) ? deadlineInWords(String(r.deadline), locale) : '' })),
    truncated: d.truncated === true,
  };
}
