// Checklist 69 without crying wolf (issue 23): a right password followed by a wrong second factor tells the user that
// someone knows their password, unless the same sign-in goes on with a right one within ALARM_DELAY_MS; repeated
// wrong ones tell them at once. The email is queued, held back, at the first wrong code and withdrawn by a right one;
// every wrong code queues it under the sign-in's key, so it is queued once, and a queueing that failed is made good by
// the next wrong code.
import type { HeldNotices, Notifier } from './index.js';

/** How long a mistyped code may stand before the user is told: enough to type the next code from the app. */
export const ALARM_DELAY_MS = 5 * 60_000;
/** Wrong second factors in one sign-in after which the user is told at once. */
export const ALARM_AT_FAILURES = 3;

export interface AlarmDeps {
  notify: Notifier;
  held: HeldNotices;
  clock: () => Date;
}

export function createSecondFactorAlarm(deps: AlarmDeps) {
  // one alarm per person and sign-in (a manager's approval may see several people sign in)
  const keyOf = (signIn: string, userId: string) => `second-factor-failed:${signIn}:${userId}`;
  return {
    /** A wrong second factor after the right password, in sign-in `signIn`; `failures`: wrong ones so far there. */
    async failed(signIn: string, userId: string, where: { ip?: string; userAgent?: string }, failures = 1): Promise<void> {
      const key = keyOf(signIn, userId);
      const now = deps.clock();
      // queued once per key, however many wrong codes (in parallel, too) ask; held, released and withdrawn by it
      await deps.notify({ type: 'second_factor_failed', userId, details: where, key, sendAt: new Date(now.getTime() + ALARM_DELAY_MS) });
      if (failures >= ALARM_AT_FAILURES) await deps.held.release(key, now);
    },

    /** The same sign-in then proved a right second factor: the alarm it still holds back is not sent. */
    async passed(signIn: string, userId: string): Promise<void> {
      await deps.held.withdraw(keyOf(signIn, userId), deps.clock());
    },
  };
}

export type SecondFactorAlarm = ReturnType<typeof createSecondFactorAlarm>;
