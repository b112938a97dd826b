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

// Making a DateTimeFormat to check a zone costs about as much as a database command's worth of node CPU, and every
// sign-in asks for its store's zone: the answers are kept (a handful of zone names; bounded against odd input).
const checked = new Map<string, boolean>();
const MAX_CHECKED = 1_000;

export function isTimeZone(zone: string): boolean {
  const known = checked.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (checked.size >= MAX_CHECKED) checked.clear();
  checked.set(zone, valid);
  return valid;
}

export function storeTimeZone(store: ZonedStore): string {
  const zone = store.timeZone ?? ZONE_BY_COUNTRY[store.country.trim().toUpperCase()] ?? 'UTC';
  return isTimeZone(zone) ? zone : 'UTC';
}

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', nl: 'nl-NL' };

/** The IANA zones of a country (ISO 3166-1 alpha-2), from the platform's CLDR data; [] for an unknown country. */
export function countryZones(country: string): string[] {
  try {
    const region = new Intl.Locale(`und-${country.trim().toUpperCase()}`) as Intl.Locale & { getTimeZones?(): string[] };
    const zones = region.getTimeZones?.() ?? [];
    return zones.length ? zones.filter(isTimeZone) : [ZONE_BY_COUNTRY[country.trim().toUpperCase()]].filter((z): z is string => Boolean(z));
  } catch {
    return [];
  }
}

export interface ZoneChoice {
  value: string;
  /** "Australia/Sydney · Australian Eastern Time": the name an admin may know, and what people call it */
  label: string;
}

const zoneLabels = new Map<Locale, Map<string, string>>();
// a zone's names as of a fixed recent day (a zone with a history reads as it does today, never by its 1970 rules)
const LABEL_DATE = new Date(Date.UTC(2025, 0, 15));
// the generic name ("Central European Time") does not change with daylight saving time, so it can be kept
function zoneLabel(zone: string, locale: Locale): string {
  let labels = zoneLabels.get(locale);
  if (!labels) {
    labels = new Map();
    zoneLabels.set(locale, labels);
  }
  let label = labels.get(zone);
  if (!label) {
    const generic = new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(LABEL_DATE).find((p) => p.type === 'timeZoneName')?.value;
    label = `${zone.replace(/_/g, ' ')}${generic && !generic.startsWith('GMT') ? ` · ${generic}` : ''}`;
    labels.set(zone, label);
  }
  return label;
}

/** The time zones to choose from: the store country's first (B19, issue 23), then every other zone the platform knows. */
export function zoneChoices(country: string, locale: Locale): { country: string; inCountry: ZoneChoice[]; others: ZoneChoice[] } {
  const own = countryZones(country);
  const choice = (zone: string): ZoneChoice => ({ value: zone, label: zoneLabel(zone, locale) });
  let name = country;
  try {
    name = new Intl.DisplayNames(DATE_LOCALES[locale], { type: 'region' }).of(country.trim().toUpperCase()) ?? country;
  } catch {
    // not a region code: the country as stored
  }
  return {
    country: name,
    inCountry: own.map(choice),
    others: Intl.supportedValuesOf('timeZone')
      .filter((z) => !own.includes(z))
      .map(choice),
  };
}

/** A moment as people at the store read it: "7 December" (with the year when it is not this year's) and "14:05". */
export function momentInWords(at: Date, locale: Locale, zone: string, now: Date): { date: string; time: string } {
  const year = new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' });
  const withYear = year.format(at) !== year.format(now);
  return {
    date: new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: zone, day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(at),
    time: new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at),
  };
}
