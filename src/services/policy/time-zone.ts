// A store's time zone: the one chosen on the admin Registers page, else its country's, else UTC. Business days (B19)
// and roll-out deadlines (B21) both count in it.
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
