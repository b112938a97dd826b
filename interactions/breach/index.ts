// Step "breach": the password was found in breaches (S2): change it now, or be reminded next time.
// It runs last, after the second factor: changing a password must never be possible with the password alone.
import { z } from 'zod';
import { advance, defineStep, need, rerender } from '../../src/flow/step.js';

export const breachStep = defineStep({
  id: 'breach',
  applies: (state) => Boolean(state.breach && !state.breach.resolved),
  render: (state) => ({ template: 'breach', view: { count: need(state.breach, 'state.breach').count } }),
  input: z.object({
    choice: z.enum(['change', 'later']),
    new_password: z.string().max(1024).optional(),
    confirm_password: z.string().max(1024).optional(),
  }),
  async submit(input, state, facts, services, req) {
    const resolved = { breach: { ...need(state.breach, 'state.breach'), resolved: true } };
    if (input.choice === 'later') {
      return advance(resolved, [{ kind: 'audit', type: 'breach.warning_dismissed' }]);
    }
    const pw = input.new_password ?? '';
    if (pw !== (input.confirm_password ?? '')) return rerender('password_mismatch');
    const verdict = await services.passwords.checkNew(pw, {
      username: need(facts.user, 'facts.user').username,
      storePrefix: facts.store?.prefix,
    });
    if (!verdict.ok) return rerender(`password_${verdict.reason}`);
    const userId = need(state.userId, 'state.userId');
    await services.passwords.change(userId, pw, { actorId: userId, ip: req.ip });
    return advance(resolved);
  },
});
