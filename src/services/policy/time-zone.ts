// A store's time zone: the one chosen on the admin Registers page, else its country's, else UTC. Business days (B19)
// and roll-out deadlines (B21) both count in it.
import type { Locale } from '../locale.js';
const ZONE_BY_COUNTRY: Record<string, string> = {
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  LU: 'Europe/Luxembourg',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  US: 'America/New_York',
  CA: 'America/Toronto',
  SR: 'America/Paramaribo',
  AW: 'America/Aruba',
  CW: 'America/Curacao',
  SX: 'America/Lower_Princes',
  BQ: 'America/Kralendijk',
};

export interface ZonedStore {
  country: string;
  /** the zone the store chose (IANA name); null or absent: its country's */
  timeZone?: string | null;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function storeTimeZone(store: ZonedStore): string {
  const zone = store.timeZone ?? ZONE_BY_COUNTRY[store.country.trim().toUpperCase()] ?? 'UTC';
  return isTimeZone(zone) ? zone : 'UTC';
}

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', nl: 'nl-NL' };

/** A moment as people at the store read it: "7 December" (with the year when it is not this year's) and "14:05". */
export function momentInWords(at: Date, locale: Locale, zone: string, now: Date): { date: string; time: string } {
  const year = new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' });
  const withYear = year.format(at) !== year.format(now);
  return {
    date: new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: zone, day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(at),
    time: new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at),
  };
}
