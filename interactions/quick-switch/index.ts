// Step "quick-switch" (B19): on a trusted register, "Who is switching in?" (the people who signed in fully there
// today), then the picked person's PIN. Owners, admins and anyone above the register's current user get the full
// sign-in instead; so does "Someone else". A right PIN ends the sign-in (amr ["pin"], the switch acr).
import { z } from 'zod';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import { advance, defineStep, need, rerender, throttled } from '../../src/flow/step.js';
import type { StepContext } from '../../src/flow/context.js';

type QuickSwitchState = NonNullable<FlowState['quickSwitch']>;

// the register's current user counts only when they belong to the register's store
const currentRole = (qs: QuickSwitchState, facts: FlowFacts) => (qs.fromStoreId === facts.register?.storeId ? qs.fromRole : undefined);

// the full sign-in on this register's store, with the username filled in when someone was picked
async function fullSignIn(state: FlowState, facts: FlowFacts, services: StepContext, username?: string): Promise<Partial<FlowState>> {
  const register = need(facts.register, 'facts.register');
  const store = need(await services.users.storeById(register.storeId), 'register store');
  return { quickSwitch: { ...state.quickSwitch, pick: undefined, off: true }, storeId: store.id, storePrefix: store.prefix, ...(username ? { username } : {}) };
}

export const quickSwitchStep = defineStep({
  id: 'quick-switch',
  applies: (state, facts) => Boolean(state.quickSwitch && !state.quickSwitch.off && facts.register && !state.passwordVerified && !state.pinVerified),
  async render(state, facts, services) {
    const qs = need(state.quickSwitch, 'state.quickSwitch');
    const register = need(facts.register, 'facts.register');
    const fullUrl = `/interaction/${state.uid}/quick-switch-full`;
    const picked = qs.pick ? await services.users.byId(qs.pick) : undefined;
    if (picked) {
      return { template: 'quick-switch-pin', view: { registerName: register.name, name: picked.name, roleKey: `account.roles.${picked.role}`, backUrl: `/interaction/${state.uid}/quick-switch-back`, fullUrl } };
    }
    const people = await services.quickSwitch.roster(register, currentRole(qs, facts));
    return { template: 'quick-switch', view: { registerName: register.name, people, fullUrl } };
  },
  input: z.object({ pick: z.string().max(64).optional(), pin: z.string().max(64).optional() }),
  async submit(input, state, facts, services, req) {
    const qs = need(state.quickSwitch, 'state.quickSwitch');
    const register = need(facts.register, 'facts.register');
    const role = currentRole(qs, facts);
    const meta = { ip: req.ip, userAgent: req.userAgent };

    if (!qs.pick) {
      // the grid: a person who may use a PIN gets the PIN page; anyone else on the grid the full sign-in
      const user = input.pick ? await services.users.byId(input.pick) : undefined;
      const onRoster = user ? (await services.quickSwitch.roster(register, role)).find((p) => p.id === user.id) : undefined;
      if (!user || !onRoster) return rerender('quick_switch_unavailable');
      if (onRoster.pin && !user.mustEnrol && !user.mustChangePassword) return advance({ quickSwitch: { ...qs, pick: user.id } });
      return advance(await fullSignIn(state, facts, services, user.username));
    }

    const user = await services.users.byId(qs.pick);
    const back = { quickSwitch: { ...qs, pick: undefined } };
    if (!user || user.mustEnrol || user.mustChangePassword || !(await services.quickSwitch.mayUsePin(register, user, role))) {
      return rerender('quick_switch_unavailable', { patch: back });
    }
    const pin = input.pin ?? '';
    // throttled like every other secret (B2): one attempt per second, failures counted on this register's known-device
    // count of the user, so a colleague guessing here cannot lock the user out elsewhere (B18)
    const outcome = await services.throttle.attempt(
      { storeId: register.storeId, username: user.username, user, device: services.knownDevices.tagFor(facts.device, user.id) },
      { ip: req.ip, factor: 'pin' },
      services.throttle.simply(() => services.quickSwitch.pinMatches(user.id, pin)),
      { clearOnSuccess: false },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    if (outcome.kind === 'failed') {
      const verdict = await services.quickSwitch.pinFailed(register, user, meta);
      if (verdict.kind === 'wrong') return rerender('pin_wrong', { vars: { left: verdict.left } });
      return rerender('pin_ended', { patch: back });
    }
    return advance({ pinVerified: true, switchRegisterId: register.id, userId: user.id, storeId: register.storeId, username: user.username });
  },
  routes: [
    // "Someone else": the full sign-in on this register's store
    {
      path: 'quick-switch-full',
      run: async (state, facts, services) => (state.quickSwitch && facts.register ? { kind: 'patch', patch: await fullSignIn(state, facts, services) } : { kind: 'not-found' }),
    },
    // "Not you?": back to the grid
    {
      path: 'quick-switch-back',
      run: (state) => (state.quickSwitch ? { kind: 'patch', patch: { quickSwitch: { ...state.quickSwitch, pick: undefined } } } : { kind: 'not-found' }),
    },
  ],
});
