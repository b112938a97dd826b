// Step "password": username + password (argon2id, dummy hash for unknown users, one generic error), then the breach check.
// While the account's count holds passwords from unknown devices back, the password is still taken, but only together
// with a second factor (./both-factors.ts), so an attacker's guesses never keep the real user out (checklist 24).
import { z } from 'zod';
import { advance, defineStep, need, rerender, throttled, type Effect } from '../../src/flow/step.js';
import type { FlowState } from '../../src/flow/state.js';
import type { BreachResult } from '../../src/services/breach/index.js';

/**
 * What the breach check of a right password means for the sign-in of `userId` (S2, B7): the flow's patch and audit
 * events, and whether the sign-in is refused (the range API is down and BREACH_FAIL_MODE=closed).
 */
export function afterBreachCheck(breach: BreachResult, userId: string, failMode: 'open' | 'closed'): { patch: Partial<FlowState>; effects: Effect[]; refuse: boolean } {
  if (breach.status === 'breached') {
    return { patch: { breach: { count: breach.count, resolved: false } }, effects: [{ kind: 'audit', type: 'breach.detected', userId, details: { count: breach.count } }], refuse: false };
  }
  if (breach.status === 'unavailable') {
    return { patch: {}, effects: [{ kind: 'audit', type: 'breach.check_unavailable', userId, details: { error: breach.error } }], refuse: failMode === 'closed' };
  }
  return { patch: {}, effects: [], refuse: false };
}

export const passwordStep = defineStep({
  id: 'password',
  applies: (state) => Boolean(state.storeId) && !state.passwordVerified,
  render: (state, facts) => ({
    template: 'password',
    view: {
      storeName: facts.store?.name ?? state.storePrefix,
      username: state.username ?? '',
      changeStoreUrl: `/interaction/${state.uid}/change-store`,
      forgotUrl: `/interaction/${state.uid}/forgot-password`,
      switchingUser: Boolean(state.switchingUser),
    },
  }),
  input: z.object({
    username: z.string().trim().toLowerCase().min(1).max(100),
    password: z.string().min(1).max(1024),
  }),
  async submit(input, state, facts, services, req) {
    const storeId = need(state.storeId, 'state.storeId');
    // the one read of this user in this request: the password hash and the failure counts come with it
    const known = await services.users.byUsername(storeId, input.username);
    const subject = { storeId, username: input.username, user: known, device: known && services.knownDevices.tagFor(facts.device, known.id) };
    const meta = { ip: req.ip, factor: 'password' as const, countAddress: true };

    const held = services.throttle.passwordNeedsSecondFactor(subject, meta);
    if (held) {
      // the same work whatever the password (the hash, the breach check, one write) and the same next page; what the
      // password was stays on the server until a second factor comes with it
      const user = await services.passwords.verifyLogin(storeId, input.username, input.password, { upgrade: false });
      const breach = await services.breach.check(input.password);
      return advance({
        username: input.username,
        bothFactors: { userId: known?.id, passwordOk: Boolean(user), refusal: held, breach: user ? breach : undefined },
      });
    }

    let user: Awaited<ReturnType<typeof services.passwords.verifyLogin>>;
    const outcome = await services.throttle.attempt(
      subject,
      meta,
      services.throttle.simply(async () => {
        user = await services.passwords.verifyLogin(storeId, input.username, input.password);
        return Boolean(user);
      }),
      // a right password alone never clears failed codes: the whole sign-in does (B2)
      { clearOnSuccess: false },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome, { username: input.username });
    if (outcome.kind === 'failed' || !user) {
      return rerender('credentials', {
        patch: { username: input.username },
        effects: [{ kind: 'audit', type: 'signin.password_failed', details: { username: input.username } }],
      });
    }

    const checked = afterBreachCheck(await services.breach.check(input.password), user.id, services.config.breachFailMode);
    if (checked.refuse) return rerender('breach_unavailable', { effects: checked.effects });
    return advance({ userId: user.id, username: user.username, passwordVerified: true, ...checked.patch }, checked.effects);
  },
  routes: [
    {
      // "not your store?": back to the store question, unless the password was already proven for this one
      path: 'change-store',
      run: (state) => ({ kind: 'patch', patch: state.passwordVerified ? {} : { storeId: undefined, storePrefix: undefined, storeAsked: true, username: undefined, bothFactors: undefined } }),
    },
  ],
});
