// The end of a store's business day (B19): the next time the store's clock shows its day-start hour, in its time zone.
export { isTimeZone, storeTimeZone } from '../policy/time-zone.js';

// the wall-clock fields of `at` in `zone`
function wallClock(at: Date, zone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

// the instant at which `zone` shows this wall-clock time (the later one across a DST change is good enough here)
function instantOf(zone: string, year: number, month: number, day: number, hour: number): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  const shown = wallClock(new Date(guess), zone);
  const offset = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second) - guess;
  const first = new Date(guess - offset);
  // across a DST change the offset at the answer can differ from the guess's: correct once
  const again = wallClock(first, zone);
  const drift = Date.UTC(again.year, again.month - 1, again.day, again.hour) - guess;
  return new Date(first.getTime() - drift);
}

/** When the business day that contains `now` ends: the next `startHour` o'clock (0-23) in `zone`. */
export function businessDayEnd(now: Date, zone: string, startHour: number): Date {
  const local = wallClock(now, zone);
  const today = instantOf(zone, local.year, local.month, local.day, startHour);
  if (today.getTime() > now.getTime()) return today;
  const tomorrow = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return instantOf(zone, tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), startHour);
}
