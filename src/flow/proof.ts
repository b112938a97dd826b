// A right password travels with the browser instead of being stored (issue 22: one write less per sign-in): a sealed
// cookie bound to the interaction (src/flow/tokens.ts), short-lived, honoured only while the stored state has not moved
// on and while no account-wide revocation came after it. Every instance checks it with the shared cookie key.
import type { FlowFacts, FlowState } from './state.js';
import type { Proven } from './tokens.js';

/** How long a proven password waits for the rest of the sign-in (the second factor) before it is asked again. */
export const PROOF_TTL_MS = 15 * 60_000;

const PROOF_FIELDS = new Set(['userId', 'username', 'passwordVerified', 'breach']);

/** The password step's answer (a proven password and nothing else), made on a state that had none yet. */
export function isProof(before: FlowState, patch: Partial<FlowState>): boolean {
  return patch.passwordVerified === true && !before.passwordVerified && !before.proofSpent && Object.keys(patch).every((k) => PROOF_FIELDS.has(k));
}

export function proofFrom(state: FlowState, facts: FlowFacts, now: Date): Proven | undefined {
  const { storeId, userId, username } = state;
  if (!storeId || !userId || !username || facts.user?.id !== userId) return undefined;
  return { storeId, storePrefix: state.storePrefix, userId, username, breach: state.breach, sessionsEnded: facts.user.sessionsEnded ?? 0, exp: now.getTime() + PROOF_TTL_MS };
}

/** The stored state with the proof on top, or undefined when the stored state no longer takes it. */
export function withProof(state: FlowState, proven: Proven): FlowState | undefined {
  if (state.passwordVerified || state.proofSpent || (state.userId && state.userId !== proven.userId)) return undefined;
  const { storeId, storePrefix, userId, username, breach } = proven;
  return { ...state, storeId, storePrefix, userId, username, passwordVerified: true, ...(breach ? { breach } : {}) };
}

/** The user read with this request is still the one proven, and no revocation ended their sign-ins since. */
export const stillProven = (proven: Proven, facts: FlowFacts) => facts.user?.id === proven.userId && (facts.user.sessionsEnded ?? 0) === proven.sessionsEnded;
