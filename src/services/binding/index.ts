// Binding a factor (DESIGN "Binding a factor"; B17): the one service every path asks before a factor is bound — the
// sign-in wizard, Security & ID, passkey registration, the roll-out prompt, admin resets, operator commands. It says
// which proof is needed (./rule.ts), consumes the proofs (temporary access passes, emailed links), and mints the grant
// without which the MFA service binds nothing.
import type { AccessPasses, PassReason } from '../access-passes/index.js';
import type { AttemptOutcome, Subject, ThrottleGuard } from '../throttle/guard.js';
import { bindingRequirement, type BindingEvidence, type BindingKind, type BindingPolicy, type BindingUser, type BindingVia, type Requirement } from './rule.js';

export * from './rule.js';

/** Permission to bind one factor for one user, minted by authorize() only and used up by the binding itself. */
export interface BindingGrant {
  readonly userId: string;
  readonly via: BindingVia;
  readonly kind: BindingKind;
}

const minted = new WeakSet<BindingGrant>();

/** True once for a grant minted here for this user: the MFA service calls it before it writes a credential. */
export function takeGrant(grant: BindingGrant | undefined, userId: string): boolean {
  if (!grant || !minted.has(grant) || grant.userId !== userId) return false;
  minted.delete(grant);
  return true;
}

export type ProofOutcome = { kind: 'ok' } | { kind: 'invalid' } | { kind: 'wait'; seconds: number } | { kind: 'closed' };

export interface BindingDeps {
  passes: Pick<AccessPasses, 'create' | 'redeem'>;
  throttle: Pick<ThrottleGuard, 'attempt' | 'simply'>;
  clock: () => Date;
}

/** An emailed enrolment link is a pass of its own, short-lived. */
export const LINK_HOURS = 0.5;

export function createBinding(deps: BindingDeps) {
  const outcomeOf = (o: AttemptOutcome): ProofOutcome => (o.kind === 'failed' ? { kind: 'invalid' } : o);

  return {
    requirement: (user: BindingUser, policy: BindingPolicy, evidence: BindingEvidence): Requirement => bindingRequirement(user, policy, evidence, deps.clock()),

    /** The grant for one binding, when the evidence meets the rule now; else what is still missing. */
    authorize(user: BindingUser & { id: string }, policy: BindingPolicy, evidence: BindingEvidence): { ok: true; grant: BindingGrant } | { ok: false; missing: 'password' | 'proof' } {
      const need = bindingRequirement(user, policy, evidence, deps.clock());
      if (need.kind === 'proof') return { ok: false, missing: 'proof' };
      if (need.passwordNeeded) return { ok: false, missing: 'password' };
      const grant: BindingGrant = Object.freeze({ userId: user.id, via: need.via, kind: need.bindingKind });
      minted.add(grant);
      return { ok: true, grant };
    },

    /** A temporary access pass typed by the user: guessed like a code, so counted, slowed down and closed (B2). */
    async redeemPass(subject: Subject & { user: { id: string } }, user: { id: string; storeId: string }, input: string, ip: string): Promise<ProofOutcome> {
      const outcome = await deps.throttle.attempt(subject, { ip, factor: 'recovery' }, deps.throttle.simply(() => deps.passes.redeem(user, input, { ip })), { clearOnSuccess: false });
      return outcomeOf(outcome);
    },

    /** The pass an emailed enrolment link carries; the caller builds the link and sends it only to a usable address. */
    newLink: (user: { id: string; storeId: string }, ip?: string) => deps.passes.create(user, { actorId: user.id, ip }, 'email', LINK_HOURS),

    /** The emailed link, opened: its pass is used up. */
    redeemLink: (user: { id: string; storeId: string }, pass: string) => deps.passes.redeem(user, pass, {}),

    /** A pass an admin, an operator or the start-up hands out, to be given to the user in person (shown once). */
    issuePass: (user: { id: string; storeId: string }, actor: { actorId: string | null; ip?: string }, reason: Exclude<PassReason, 'email'>) => deps.passes.create(user, actor, reason),
  };
}

export type Binding = ReturnType<typeof createBinding>;
