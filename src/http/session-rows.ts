// A provider session as a row on the account page and the admin user page (B15): device in words, place, times.
import type { Locale } from './i18n.js';
import { clientLabel } from './client-names.js';
import { describeUserAgent, isLocalAddress, type SessionView } from '../services/sessions/index.js';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

const when = (locale: Locale, d: Date | undefined) =>
  d ? `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC` : '';

export function deviceInWords(t: Translate, s: Partial<Pick<SessionView, 'browser' | 'os'>>): string {
  if (s.browser && s.os) return t('sessions.device', { browser: s.browser, os: s.os });
  if (s.browser) return s.browser;
  if (s.os) return t('sessions.device_os', { os: s.os });
  return t('sessions.device_unknown');
}

/** A user-agent string in words ("Chrome on Linux"), for remembered devices and emails (issue 13). */
export const userAgentInWords = (t: Translate, userAgent: string | null | undefined): string => deviceInWords(t, describeUserAgent(userAgent ?? null));

/** An address as shown: "This computer" for this machine itself, else the address. */
export const addressInWords = (t: Translate, ip: string | null | undefined): string | undefined => (isLocalAddress(ip) ? t('sessions.this_computer') : (ip ?? undefined));

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
    apps: s.clientIds.map((id) => clientLabel(locale, id, clientName(id)) ?? id).join(', '),
  }));
}
