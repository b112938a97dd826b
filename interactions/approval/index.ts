// Steps "approval-refused" and "approval" (B20): after the manager's full sign-in (password, then the second factor),
// who may not approve is told why; who may sees the transaction in words and approves or declines it. Either ends the
// interaction with its own result: the register's session (the cashier's) is never replaced by the manager's.
import { z } from 'zod';
import { abort, defineStep, need, subjectOf, type StepInput } from '../../src/flow/step.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import type { StepContext } from '../../src/flow/context.js';
import { secondFactorDone } from '../../factors/index.js';
import { amrOf } from '../../src/flow/finish.js';
import { formatAmount, refusalReason, type ApprovalParties } from '../../src/services/approval/details.js';
import type { ApprovalState } from './state.js';

const approvalOf = (state: FlowState) => need(state.approval, 'state.approval');

const refusal = (state: FlowState, facts: FlowFacts) => {
  const { approval } = state;
  if (!approval || !state.passwordVerified || !facts.user) return undefined;
  // the approver's own store (facts.store is the signed-in user's), never what the flow state was told
  return refusalReason(facts.user, facts.store?.id, approval);
};

// what every approval event records: the transaction, the cashier (the event's subject) and the manager (its actor)
const eventDetails = (approval: ApprovalState) => ({
  action: approval.detail.action,
  amount: approval.detail.amount,
  currency: approval.detail.currency,
  register: approval.detail.register,
  transaction_id: approval.detail.transaction_id,
  cashier_id: approval.cashierId,
});

async function record(services: StepContext, type: string, state: FlowState, req: StepInput | undefined, extra: Record<string, unknown> = {}) {
  const approval = approvalOf(state);
  await services.audit.record({
    type,
    userId: approval.cashierId,
    storeId: approval.storeId,
    actorId: state.userId ?? null,
    ip: req?.ip ?? null,
    userAgent: req?.userAgent ?? null,
    details: { clientId: state.clientId, ...eventDetails(approval), ...extra },
  });
}

// Another person may sign in in this approval; the one who was refused is forgotten, the cashier's store stays.
const anotherManager = (state: FlowState): Partial<FlowState> => ({
  userId: undefined,
  username: undefined,
  passwordVerified: undefined,
  secondFactor: undefined,
  secondFactorSeen: undefined,
  factor: undefined,
  breach: undefined,
  failureNotified: undefined,
  storeId: state.approval?.storeId,
  storePrefix: undefined,
});

export const approvalRefusedStep = defineStep({
  id: 'approval-refused',
  // right after the password: a cashier is told at once, without being asked for a code first
  applies: (state, facts) => refusal(state, facts) !== undefined,
  async render(state, facts, services) {
    const reason = need(refusal(state, facts), 'refusal');
    const approval = approvalOf(state);
    // recorded once per person refused in this approval, however often the page is shown
    const first = await services.claimOnce(`approval-refused:${state.uid}:${state.userId}`, 2 * 3600_000);
    if (first) await record(services, 'approval.refused', state, undefined, { reason });
    return {
      template: 'approval-refused',
      view: { reason, reasonKey: `approval.refused.${reason}`, userName: facts.user?.name ?? '', cashierName: approval.cashierName, retryUrl: `/interaction/${state.uid}/approval-another-manager` },
    };
  },
  input: z.object({}),
  submit: async (_input, state, _facts, services, req) => {
    await record(services, 'approval.cancelled', state, req);
    return abort('access_denied', 'no manager approved the transaction');
  },
  routes: [{ path: 'approval-another-manager', run: (state) => ({ kind: 'patch', patch: state.approval ? anotherManager(state) : {} }) }],
});

export const approvalStep = defineStep({
  id: 'approval',
  applies: (state, facts) => Boolean(state.approval) && Boolean(state.passwordVerified) && refusal(state, facts) === undefined && secondFactorDone(state),
  render: (state, facts) => {
    const { detail, cashierName } = approvalOf(state);
    return {
      template: 'approval',
      view: {
        managerName: facts.user?.name ?? '',
        cashierName,
        actionKey: `approval.action.${detail.action}`,
        amount: formatAmount(detail, state.locale),
        register: detail.register,
        transactionId: detail.transaction_id,
      },
    };
  },
  input: z.object({ decision: z.enum(['approve', 'decline']) }),
  async submit(input, state, facts, services, req) {
    const approval = approvalOf(state);
    const user = need(facts.user, 'facts.user');
    // the manager's full sign-in is complete: it clears their failure count like any sign-in (checklist 23)
    await services.throttle.succeed(subjectOf(state, facts, services, user));
    if (input.decision === 'decline') {
      await record(services, 'approval.declined', state, req);
      return abort('access_denied', 'the manager declined the transaction');
    }
    const { amr, acr } = amrOf(state);
    const parties: ApprovalParties = {
      cashier: { sub: approval.cashierId, name: approval.cashierName },
      approver: { sub: user.id, name: user.name, role: user.role, acr, amr, auth_time: Math.floor(services.clock().getTime() / 1000) },
    };
    await record(services, 'approval.granted', state, req);
    // no `login`: the register stays the cashier's; `consent` answers the authorization details prompt
    return { kind: 'conclude', result: { consent: {}, approval: parties } };
  },
});
