// Binding grants for test set-up, obtained as a user with an emailed enrolment link obtains one (src/services/binding):
// the link's pass is made and redeemed, then the rule authorizes the binding. (No email is sent: tests count emails.)
import { createBinding, type Binding, type BindingGrant } from '../../src/services/binding/index.js';
import type { UserView } from '../../src/services/account/users.js';

export async function linkGrant(binding: Binding, user: UserView): Promise<BindingGrant> {
  const { pass } = await binding.newLink(user);
  if (!(await binding.redeemLink(user, pass))) throw new Error('test set-up: the link was refused');
  const allowed = binding.authorize(user, { passwordEnrolmentUntil: null }, { factorProved: user.mfaEnabled, proof: 'email', passwordProved: true });
  if (!allowed.ok) throw new Error(`test set-up: no grant (${allowed.missing})`);
  return allowed.grant;
}

/** For unit tests without a database: a binding whose passes are all good, and the grant it gives a first factor. */
export function unitGrant(userId: string): BindingGrant {
  const binding = createBinding({
    passes: { create: async () => ({ id: 'p', pass: 'P', expiresAt: new Date() }), redeem: async () => true },
    throttle: { attempt: async () => ({ kind: 'ok' }), simply: () => async () => 'ok' },
    clock: () => new Date(),
  });
  const user = { id: userId, role: 'cashier' as const, mfaEnabled: false, mustEnrol: false, email: null, emailVerified: false, emailChangedAt: null };
  const allowed = binding.authorize(user, { passwordEnrolmentUntil: null }, { factorProved: false, proof: 'pass', passwordProved: true });
  if (!allowed.ok) throw new Error('unit grant refused');
  return allowed.grant;
}
