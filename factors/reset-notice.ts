// Who reset the user's multi-factor authentication and when (issue 19 item 7): the enrolment after a reset says so, at
// sign-in and on Security & ID, in the store's time ("Adam Admin reset your multi-factor authentication on 7 December
// at 14:05"). The reset is kept with the user until they enrol again (src/services/mfa), so no audit query is needed.
import type { Locale } from '../src/services/locale.js';
import { momentInWords } from '../src/services/policy/time-zone.js';

/** The reset as the pages show it: who (null: the support team) and when, in words. */
export interface ResetNotice {
  name: string | null;
  date: string;
  time: string;
}

export function resetNotice(reset: { byName: string | null; at: Date } | null | undefined, locale: Locale, zone: string, now: Date): ResetNotice | undefined {
  return reset ? { name: reset.byName, ...momentInWords(reset.at, locale, zone, now) } : undefined;
}
