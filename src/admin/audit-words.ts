// An audit event in words for people: a translated sentence naming who did what to whom, and its details as labelled values.
import type { Locale } from '../http/i18n.js';
import { hasKey, lookup } from '../http/i18n.js';
import { addressInWords, userAgentInWords } from '../http/session-rows.js';
import { clientLabel } from '../http/client-names.js';
import { categoryOf, isAuditCategory } from '../services/audit/categories.js';
import { ROLES } from '../services/roles.js';
import type { AuditPerson, AuditRecord } from '../services/admin/ports.js';
import { dateTime, type Translate } from './views.js';

export interface AuditWords {
  t: Translate;
  locale: Locale;
  /** the people the events name, read once for the page or export batch */
  people: Map<string, AuditPerson>;
  /** a registered client's name; undefined for an unknown client */
  clientName(clientId: string): string | undefined;
}

type Vars = Record<string, string | number>;

const ROLE_NAMES: ReadonlySet<string> = new Set(ROLES);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
// details only machines need (ids; the exports keep them), or shown with `changed`
const HIDDEN = new Set(['before', 'after', 'passId', 'sid', 'device']);

/** The translated value of a code when we have words for it (reasons, formats, ...), else the value itself. */
function valueWord(w: AuditWords, group: string, value: string): string {
  const key = `audit.${group}.${value}`;
  return /^[a-zA-Z_]+$/.test(value) && hasKey(w.locale, key) ? w.t(key) : value;
}

const amrWords = (w: AuditWords, amr: unknown): string => {
  const list = Array.isArray(amr) ? amr.map(String) : [];
  // a passkey says hwk/swk and user; "mfa" only sums the others up
  const words = [...new Set(list.filter((m) => m !== 'mfa').map((m) => valueWord(w, 'amr', m)))];
  return words.length ? words.join(' + ') : w.t('audit.words.unknown');
};

function formatValue(w: AuditWords, key: string, value: unknown): string | number {
  if (value === null || value === undefined || value === '') return w.t('audit.words.unknown');
  if (value instanceof Date) return dateTime(w.locale, value);
  if (key === 'amr') return amrWords(w, value);
  if (key === 'acr' && typeof value === 'string') return valueWord(w, 'acr', value.split(':').pop() ?? value);
  if (key === 'clientId' && typeof value === 'string') return clientLabel(w.locale, value, w.clientName(value)) ?? value;
  if ((key === 'factor' || key === 'secondFactor') && typeof value === 'string') return valueWord(w, 'factor', value);
  if ((key === 'role' || key === 'from' || key === 'to') && typeof value === 'string' && ROLE_NAMES.has(value)) return w.t(`audit.role.${value}`);
  if (key === 'category' && typeof value === 'string' && isAuditCategory(value)) return w.t(`audit.category.${value}`);
  if (key === 'locale' && typeof value === 'string') return hasKey(w.locale, `language.names.${value}`) ? w.t(`language.names.${value}`) : valueWord(w, 'value', value);
  if (key === 'ip' && typeof value === 'string') return addressInWords(w.t, value) ?? value;
  if (key === 'changed' && Array.isArray(value)) return value.map((v) => valueWord(w, 'setting', String(v))).join(', ');
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return w.t(value ? 'audit.words.yes' : 'audit.words.no');
  if (typeof value === 'string') return ISO.test(value) ? dateTime(w.locale, new Date(value)) : valueWord(w, 'value', value);
  if (Array.isArray(value)) return value.map((v) => String(formatValue(w, key, v))).join(', ');
  // a nested object (rare): its fields in words, never JSON
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${label(w, k)}: ${formatValue(w, k, v)}`)
    .join('; ');
}

const label = (w: AuditWords, key: string) => (hasKey(w.locale, `audit.detail.${key}`) ? w.t(`audit.detail.${key}`) : key);

/** "cashier Carla Jansen"; a user no longer in the store, or none. */
function personWords(w: AuditWords, id: string | null, details: Record<string, unknown>): string {
  const p = id ? w.people.get(id) : undefined;
  // "role Name" reads the same way round in English and Dutch
  if (p) return `${w.t(`audit.role.${p.role}`)} ${p.name}`;
  if (id) return w.t('audit.words.removed_user');
  if (typeof details.username === 'string' && details.username) return w.t('audit.words.typed_name', { username: details.username });
  return w.t('audit.words.no_user');
}

function actorWords(w: AuditWords, e: AuditRecord): string {
  if (!e.actorId) return w.t('audit.words.system');
  return w.people.get(e.actorId)?.name ?? w.t('audit.words.removed_user');
}

// Every placeholder the sentence names gets a value, so no "{field}" is ever shown.
function fill(text: string, vars: Vars, w: AuditWords): Vars {
  const out: Vars = { ...vars };
  for (const [, name] of text.matchAll(/\{(\w+)\}/g)) if (name && out[name] === undefined) out[name] = w.t('audit.words.unknown');
  return out;
}

const entryText = (entry: ReturnType<typeof lookup>): string =>
  typeof entry === 'string' ? entry : Object.values(entry ?? {}).join(' ');

/** The event as one translated sentence (a generic one naming its category when the type has none). */
export function auditSentence(w: AuditWords, e: AuditRecord): string {
  const vars: Vars = {};
  for (const [k, v] of Object.entries(e.details)) vars[k] = formatValue(w, k, v);
  vars.actor = actorWords(w, e);
  vars.subject = personWords(w, e.userId, e.details);
  const clientId = typeof e.details.clientId === 'string' ? e.details.clientId : undefined;
  vars.app = clientId ? (clientLabel(w.locale, clientId, w.clientName(clientId)) ?? clientId) : w.t('audit.words.unknown_app');
  vars.category = w.t(`audit.category.${categoryOf(e.type)}`);
  const own = e.actorId !== null && e.actorId === e.userId && hasKey(w.locale, `audit.self.${e.type}`);
  const key = own ? `audit.self.${e.type}` : hasKey(w.locale, `audit.sentence.${e.type}`) ? `audit.sentence.${e.type}` : e.userId ? 'audit.words.generic' : 'audit.words.generic_store';
  const text = w.t(key, fill(entryText(lookup(w.locale, key)), vars, w));
  // a sentence may start with a role ("cashier Carla signed in ...")
  return text.charAt(0).toLocaleUpperCase(w.locale) + text.slice(1);
}

/** The event's details as labelled values in words: app name, device, address, how the user signed in. */
export function auditDetails(w: AuditWords, e: AuditRecord): Array<{ label: string; value: string }> {
  const rows: Array<{ label: string; value: string }> = [];
  for (const [k, v] of Object.entries(e.details)) {
    if (HIDDEN.has(k)) continue;
    if (k === 'changed' && Array.isArray(v)) rows.push(...settingChanges(w, v.map(String), e.details.before, e.details.after));
    else rows.push({ label: label(w, k), value: String(formatValue(w, k, v)) });
  }
  if (e.userAgent) rows.push({ label: w.t('audit.detail.device'), value: userAgentInWords(w.t, e.userAgent) });
  return rows;
}

// A policy change: one row per setting, "before → after".
function settingChanges(w: AuditWords, changed: string[], before: unknown, after: unknown) {
  const of = (o: unknown, k: string) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);
  return changed.map((k) => ({ label: valueWord(w, 'setting', k), value: `${formatValue(w, k, of(before, k))} → ${formatValue(w, k, of(after, k))}` }));
}

/** Everything the page shows of one event. */
export function auditRow(w: AuditWords, e: AuditRecord) {
  const category = categoryOf(e.type);
  return {
    id: e.id,
    type: e.type,
    category,
    categoryLabel: w.t(`audit.category.${category}`),
    at: e.at.toISOString(),
    atLabel: dateTime(w.locale, e.at),
    sentence: auditSentence(w, e),
    details: auditDetails(w, e),
    address: addressInWords(w.t, e.ip) ?? '',
  };
}
