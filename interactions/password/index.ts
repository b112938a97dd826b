// Step "password": username + password (argon2id, dummy hash for unknown users, one generic error), then the breach check.
import { z } from 'zod';
import { advance, defineStep, need, rerender, throttled } from '../../src/flow/step.js';

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
    let user: Awaited<ReturnType<typeof services.passwords.verifyLogin>>;
    const outcome = await services.throttle.attempt(
      { storeId, username: input.username, user: known, device: known && services.knownDevices.tagFor(facts.device, known.id) },
      { ip: req.ip, factor: 'password', countAddress: true },
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

    const breach = await services.breach.check(input.password);
    const patch = { userId: user.id, username: user.username, passwordVerified: true } as const;
    if (breach.status === 'breached') {
      return advance({ ...patch, breach: { count: breach.count, resolved: false } }, [
        { kind: 'audit', type: 'breach.detected', userId: user.id, details: { count: breach.count } },
      ]);
    }
    if (breach.status === 'unavailable') {
      const effects = [{ kind: 'audit' as const, type: 'breach.check_unavailable', userId: user.id, details: { error: breach.error } }];
      if (services.config.breachFailMode === 'closed') return rerender('breach_unavailable', { effects });
      return advance(patch, effects);
    }
    return advance(patch);
  },
  routes: [
    {
      // "not your store?": back to the store question, unless the password was already proven for this one
      path: 'change-store',
      run: (state) => ({ kind: 'patch', patch: state.passwordVerified ? {} : { storeId: undefined, storePrefix: undefined, username: undefined } }),
    },
  ],
});
