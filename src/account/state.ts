// What Security & ID keeps between requests, typed: per session, a slice for each factor's set-up under way (declared
// by the factor), the proofs the binding rule counts, and codes just shown; per account, a breached password to warn of.
import { z } from 'zod';
import { factorAccountSlices } from '../../factors/slices.js';
import type { AccountSession } from './session.js';

export interface PageStatePort {
  load(key: string): Promise<unknown>;
  save(key: string, data: object): Promise<void>;
  remove(key: string): Promise<void>;
}

export const sessionStateSchema = z.object({
  // a factor was bound on these pages: a second factor proved in this session (no second prompt after "Done")
  factorBoundAt: z.number().optional(),
  // a temporary access pass or emailed link, redeemed here for the next binding (src/services/binding)
  proof: z.object({ kind: z.enum(['pass', 'email']), at: z.number() }).optional(),
  // newly regenerated recovery codes, downloadable only from the page that showed them (checklist 44)
  codes: z.object({ codesSealed: z.string(), nonce: z.string() }).optional(),
  // the factors' own slices (factors/slices.ts)
  ...factorAccountSlices,
});
export type SessionState = z.infer<typeof sessionStateSchema>;

const breachSchema = z.object({ count: z.number() });

/** How long a factor bound here counts as proved, and a redeemed proof waits for its binding. */
export const FACTOR_BOUND_MS = 60 * 60 * 1000;
export const PROOF_MS = 30 * 60 * 1000;

export function accountState(port: PageStatePort) {
  const sessionKey = (s: AccountSession) => `account:${s.sessionId}`;
  const breachKey = (accountId: string) => `breach:${accountId}`;

  async function load(s: AccountSession): Promise<SessionState> {
    const parsed = sessionStateSchema.safeParse(await port.load(sessionKey(s)));
    return parsed.success ? parsed.data : {};
  }

  return {
    load,
    /** Sets the given parts of this session's state; a part given as undefined is dropped. */
    async update(s: AccountSession, patch: Partial<SessionState>): Promise<void> {
      const next: Record<string, unknown> = { ...(await load(s)), ...patch };
      for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
      if (Object.keys(next).length) await port.save(sessionKey(s), next);
      else await port.remove(sessionKey(s));
    },
    // a breached password entered for re-authentication is remembered until changed (S2)
    breach: {
      async flagged(accountId: string): Promise<boolean> {
        return breachSchema.safeParse(await port.load(breachKey(accountId))).success;
      },
      flag: (accountId: string, count: number) => port.save(breachKey(accountId), { count }),
      clear: (accountId: string) => port.remove(breachKey(accountId)),
    },
  };
}

export type AccountState = ReturnType<typeof accountState>;
