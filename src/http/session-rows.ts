// A provider session as a row on the account page and the admin user page (B15): device in words, place, times.
import type { Locale } from './i18n.js';
import type { SessionView } from '../services/sessions/index.js';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

const when = (locale: Locale, d: Date | undefined) =>
  d ? `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC` : '';

export function deviceInWords(t: Translate, s: Pick<SessionView, 'browser' | 'os'>): string {
  if (s.browser && s.os) return t('sessions.device', { browser: s.browser, os: s.os });
  if (s.browser) return s.browser;
  if (s.os) return t('sessions.device_os', { os: s.os });
  return t('sessions.device_unknown');
}

export function sessionRows(t: Translate, locale: Locale, sessions: SessionView[], clientName: (clientId: string) => string | undefined) {
  return sessions.map((s) => ({
    uid: s.uid,
    device: deviceInWords(t, s),
    place: s.local ? t('sessions.this_computer') : (s.ip ?? t('sessions.place_unknown')),
    startedAt: when(locale, s.startedAt),
    startedIso: s.startedAt?.toISOString() ?? '',
    lastUsedAt: when(locale, s.lastUsedAt),
    lastUsedIso: s.lastUsedAt?.toISOString() ?? '',
    current: s.current,
    apps: s.clientIds.map((id) => clientName(id) ?? id).join(', '),
  }));
}
