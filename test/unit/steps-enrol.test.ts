// The steps after the password that are not a second factor's check: who must enrol and with what proof
// (interactions/enrol-proof, factors/totp/enrol-step; S1, S7, S10, B17; checklist 38, 39), the roll-out prompt
// (interactions/mfa-rollout; B21), a missing passkey (phr-missing), the manager's approval (interactions/approval; B20)
// and quick switch offered off a trusted register (B19). Real services on in-memory ports, a test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enrolProofStep } from '../../interactions/enrol-proof/index.js';
import { totpEnrolStep } from '../../factors/totp/enrol-step.js';
import { mfaRolloutStep } from '../../interactions/mfa-rollout/index.js';
import { phrMissingStep } from '../../interactions/phr-missing/index.js';
import { approvalRefusedStep, approvalStep } from '../../interactions/approval/index.js';
import { quickSwitchUnavailableStep } from '../../interactions/quick-switch/unavailable.js';
import { steps } from '../../interactions/index.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import type { Step } from '../../src/flow/step.js';
import type { Role } from '../../src/services/policy/index.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

async function afterPassword(role: Role, opts: { policy?: Parameters<MemorySignIn['addStore']>[1]; user?: Parameters<MemorySignIn['addUser']>[2]; state?: Partial<FlowState> } = {}) {
  const m = new MemorySignIn();
  const store = m.addStore('corner', opts.policy);
  const user = await m.addUser(store, 'alice', { role, ...opts.user });
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true, ...opts.state });
  return { m, store, user, state };
}

/** The step the runner would show now: the first in the ordered list that applies (interactions/index.ts). */
const firstApplying = (state: FlowState, facts: FlowFacts) => steps.find((s) => s.applies(state, facts))?.id;
const submit = async (m: MemorySignIn, step: Step, input: Record<string, unknown>, state: FlowState) => step.submit(step.input.parse(input), state, await m.facts(state), m.ctx, REQ);

test('S1/B17: an owner without MFA is asked for a second proof before the wizard (a password alone binds nothing)', async () => {
  const { m, state } = await afterPassword('owner');
  const facts = await m.facts(state);
  assert.equal(firstApplying(state, facts), 'enrol-proof');
  assert.equal(totpEnrolStep.applies(state, facts), true, 'the wizard is due, after its proof');
});

test('S1: a cashier without MFA and without a requirement signs in with the password alone (no step applies)', async () => {
  const { m, state } = await afterPassword('cashier');
  assert.equal(firstApplying(state, await m.facts(state)), undefined);
});

test('S1, D4: the store\'s or the client\'s requirement makes a cashier enrol too', async () => {
  const store = await afterPassword('cashier', { policy: { requireForEveryone: true } });
  assert.equal(firstApplying(store.state, await store.m.facts(store.state)), 'enrol-proof');
  const client = await afterPassword('cashier');
  assert.equal(firstApplying(client.state, await client.m.facts(client.state, {}, { requireMfa: true })), 'enrol-proof');
  const demanded = await afterPassword('cashier', { state: { mfaDemanded: true } });
  assert.equal(firstApplying(demanded.state, await demanded.m.facts(demanded.state)), 'enrol-proof', 'acr_values / require_mfa of the request');
});

test('B17: a store that allows password enrolment until a date goes straight to the wizard before it, not after', async () => {
  const until = new Date('2026-12-31T00:00:00Z');
  const { m, state } = await afterPassword('owner', { policy: { passwordEnrolmentUntil: until } });
  assert.equal(firstApplying(state, await m.facts(state)), 'totp-enrol');
  m.now = new Date('2027-01-02T00:00:00Z');
  assert.equal(firstApplying(state, await m.facts(state)), 'enrol-proof');
});

test('B17, checklist 38: a temporary access pass is taken once; a wrong one is pass_invalid (audited), then the wizard follows', async () => {
  const { m, user, state } = await afterPassword('owner');
  const pass = await m.issuePass(user.id);
  const wrong = await submit(m, enrolProofStep, { pass: 'AAAA-BBBB-CCCC-DDDD' }, state);
  assert.deepEqual(wrong, { kind: 'rerender', error: 'pass_invalid', effects: [{ kind: 'audit', type: 'signin.access_pass_failed' }] });
  m.advance(1_100);
  const ok = await submit(m, enrolProofStep, { pass }, state);
  assert.deepEqual(ok, { kind: 'advance', patch: { enrolProof: 'pass' }, effects: [] });
  m.advance(1_100);
  const again = await submit(m, enrolProofStep, { pass }, state);
  assert.equal(again.kind === 'rerender' && again.error, 'pass_invalid', 'a pass works once');
  const proved = { ...state, enrolProof: 'pass' as const };
  assert.equal(firstApplying(proved, await m.facts(proved)), 'totp-enrol');
});

test('B17: the emailed link is offered only to a verified, settled address; otherwise asking for it is invalid_input', async () => {
  const unverified = await afterPassword('owner');
  assert.deepEqual(await submit(unverified.m, enrolProofStep, { action: 'email' }, unverified.state), { kind: 'rerender', error: 'invalid_input' });
  const verified = await afterPassword('owner', { user: { emailVerified: true } });
  const sent = await submit(verified.m, enrolProofStep, { action: 'email' }, verified.state);
  assert.deepEqual(sent, { kind: 'advance', patch: { enrolLinkSent: true }, effects: [] });
  assert.deepEqual(verified.m.mailTypes(), ['enrolment_link']);
  const page = await enrolProofStep.render(verified.state, await verified.m.facts(verified.state), verified.m.ctx);
  assert.equal(page.view.canEmail, true);
  assert.equal(page.view.email, 'ready');
});

test('issue 19: "verify my address" from the proof page sends the verification link, then says to wait', async () => {
  const { m, state } = await afterPassword('owner');
  assert.deepEqual(await submit(m, enrolProofStep, { action: 'verify' }, state), { kind: 'advance', patch: { enrolVerifySent: true }, effects: [] });
  for (let i = 0; i < 2; i++) await submit(m, enrolProofStep, { action: 'verify' }, state);
  assert.deepEqual(await submit(m, enrolProofStep, { action: 'verify' }, state), { kind: 'rerender', error: 'verify_wait' });
  const none = await afterPassword('owner', { user: { email: null } });
  assert.deepEqual(await submit(none.m, enrolProofStep, { action: 'verify' }, none.state), { kind: 'rerender', error: 'invalid_input' });
});

test('S7/checklist 38: the wizard at sign-in: begin -> scan (password just typed) -> code; a wrong code binds nothing, a right one turns MFA on', async () => {
  const { m, user, state } = await afterPassword('owner', { state: { enrolProof: 'pass' } });
  const begin = await submit(m, totpEnrolStep, { stage: 'begin' }, state);
  assert.equal(begin.kind === 'advance' && begin.patch.enrol?.stage, 'scan', 'the password stage is skipped: it was just typed');
  const atScan = { ...state, ...(begin.kind === 'advance' ? begin.patch : {}) };
  const page = await totpEnrolStep.render(atScan, await m.facts(atScan), m.ctx);
  assert.match(String(page.view.otpauthUri), /^otpauth:\/\/totp\/POS%20Sign-in:corner%3Aalice\?secret=/);
  const scan = await submit(m, totpEnrolStep, { stage: 'scan' }, atScan);
  const atCode = { ...atScan, ...(scan.kind === 'advance' ? scan.patch : {}) };
  assert.equal(atCode.enrol?.stage, 'code');
  const secret = new URL(String(page.view.otpauthUri)).searchParams.get('secret') ?? '';
  const right = m.totp.currentCode(secret);
  const wrong = await submit(m, totpEnrolStep, { stage: 'code', code: String((Number(right) + 1) % 1_000_000).padStart(6, '0') }, atCode);
  assert.deepEqual(wrong, { kind: 'rerender', error: 'code_invalid' });
  assert.equal((await m.ctx.users.byId(user.id))?.mfaEnabled, false, 'checklist 38: nothing is bound before a valid code');
  const done = await submit(m, totpEnrolStep, { stage: 'code', code: right }, atCode);
  assert.equal(done.kind === 'advance' && done.patch.secondFactor, 'totp', 'the confirmed code is this sign-in\'s second factor');
  assert.equal(done.kind === 'advance' && done.patch.enrol?.stage, 'codes');
  assert.equal((await m.ctx.users.byId(user.id))?.mfaEnabled, true);
  assert.ok(m.mailTypes().includes('mfa_enabled'), 'S4: the user is told');
});

test('B17: without the proof, the wizard\'s code stage refuses to bind (binding_proof_missing), whatever the code', async () => {
  const { m, state } = await afterPassword('owner');
  const begin = await submit(m, totpEnrolStep, { stage: 'begin' }, state);
  const atScan = { ...state, ...(begin.kind === 'advance' ? begin.patch : {}) };
  const page = await totpEnrolStep.render(atScan, await m.facts(atScan), m.ctx);
  const scan = await submit(m, totpEnrolStep, { stage: 'scan' }, atScan);
  const atCode = { ...atScan, ...(scan.kind === 'advance' ? scan.patch : {}) };
  const secret = new URL(String(page.view.otpauthUri)).searchParams.get('secret') ?? '';
  assert.deepEqual(await submit(m, totpEnrolStep, { stage: 'code', code: m.totp.currentCode(secret) }, atCode), { kind: 'rerender', error: 'binding_proof_missing' });
});

test('S7: Cancel in the wizard ends the request (access_denied), except once the recovery codes are shown', async () => {
  const { m, state } = await afterPassword('owner', { state: { enrolProof: 'pass' } });
  const r = await submit(m, totpEnrolStep, { stage: 'begin', move: 'cancel' }, state);
  assert.equal(r.kind, 'abort');
  const codes = { ...state, enrol: { stage: 'codes' as const, codesSealed: m.ctx.mfa.sealCodes(['A']) } };
  assert.deepEqual(await submit(m, totpEnrolStep, { stage: 'codes', move: 'cancel' }, codes), { kind: 'rerender', error: 'must_confirm_codes' });
});

test('checklist 39, S10: after a recovery code the wizard replaces the factor with no further proof (a factor was proved)', async () => {
  const { m, user, state } = await afterPassword('cashier');
  await m.enrolTotp(user.id);
  m.mfa(user.id).state.mustEnrol = true;
  const s = { ...state, secondFactor: 'recovery' as const };
  const facts = await m.facts(s);
  assert.equal(firstApplying(s, facts), 'totp-enrol');
  assert.equal(enrolProofStep.applies(s, facts), false);
  assert.equal(totpEnrolStep.applies({ ...state, secondFactor: 'totp' }, await m.facts(state)), true, 'must enrol again: after any factor');
});

test('B21: before the store\'s deadline the roll-out prompt is shown; "later" goes on (audited), "now" leads to the proof', async () => {
  const { m, state } = await afterPassword('cashier', { policy: { cashierMfaBy: '2026-12-31' } });
  const facts = await m.facts(state);
  assert.equal(firstApplying(state, facts), 'mfa-rollout');
  const later = await submit(m, mfaRolloutStep, { choice: 'later' }, state);
  assert.equal(later.kind === 'advance' && later.patch.rollout, 'later');
  assert.deepEqual(later.kind === 'advance' && later.effects, [{ kind: 'audit', type: 'rollout.postponed', details: { deadline: '2026-12-31', daysLeft: 24 } }]);
  assert.equal(firstApplying({ ...state, rollout: 'later' }, facts), undefined, 'then the sign-in ends');
  assert.equal(firstApplying({ ...state, rollout: 'now' }, facts), 'enrol-proof');
  m.now = new Date('2027-01-01T12:00:00Z');
  const after = await m.facts(state);
  assert.equal(mfaRolloutStep.applies(state, after), false, 'past the deadline it is a requirement, no prompt');
  assert.equal(firstApplying(state, after), 'enrol-proof');
});

test('RFC 9470: a phishing-resistant demand of a user without a passkey ends with unmet_authentication_requirements', async () => {
  const { m, user, state } = await afterPassword('manager', { state: { phrDemanded: true, mfaDemanded: true } });
  await m.enrolTotp(user.id);
  const facts = await m.facts(state);
  assert.equal(firstApplying(state, facts), 'phr-missing');
  assert.deepEqual(await submit(m, phrMissingStep, {}, state), { kind: 'abort', error: 'unmet_authentication_requirements', description: 'a phishing-resistant second factor (a passkey) is required' });
  await m.enrolPasskey(user.id);
  assert.equal(firstApplying(state, await m.facts(state)), 'passkey-verify');
});

const APPROVAL = { detail: { type: 'pos_approval' as const, action: 'refund' as const, amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: 'T-1234' }, cashierId: 'user-carla', cashierName: 'Carla', storeId: 'store-corner' };

test('B20: a cashier signing in to approve is refused at once (role); a manager without MFA too (no_mfa)', async () => {
  const cashier = await afterPassword('cashier', { state: { approval: APPROVAL, mfaDemanded: true } });
  const facts = await cashier.m.facts(cashier.state);
  assert.equal(firstApplying(cashier.state, facts), 'approval-refused');
  const page = await approvalRefusedStep.render(cashier.state, facts, cashier.m.ctx);
  assert.equal(page.view.reason, 'role');
  await approvalRefusedStep.render(cashier.state, facts, cashier.m.ctx);
  assert.deepEqual(cashier.m.auditTypes(), ['approval.refused'], 'recorded once however often the page is shown');
  const manager = await afterPassword('manager', { state: { approval: APPROVAL, mfaDemanded: true } });
  assert.equal((await approvalRefusedStep.render(manager.state, await manager.m.facts(manager.state), manager.m.ctx)).view.reason, 'no_mfa');
});

test('B20: a manager of the store approves after the second factor; the result names both and the approver\'s amr', async () => {
  const { m, user, state } = await afterPassword('manager', { state: { approval: APPROVAL, mfaDemanded: true } });
  await m.enrolTotp(user.id);
  assert.equal(firstApplying(state, await m.facts(state)), 'totp-verify', 'the second factor first');
  const proved = { ...state, secondFactor: 'totp' as const };
  assert.equal(firstApplying(proved, await m.facts(proved)), 'approval');
  const declined = await submit(m, approvalStep, { decision: 'decline' }, proved);
  assert.equal(declined.kind === 'abort' && declined.error, 'access_denied');
  const approved = await submit(m, approvalStep, { decision: 'approve' }, proved);
  assert.equal(approved.kind, 'conclude');
  const parties = approved.kind === 'conclude' ? (approved.result.approval as { cashier: { sub: string }; approver: { sub: string; amr: string[] } }) : undefined;
  assert.equal(parties?.cashier.sub, 'user-carla');
  assert.equal(parties?.approver.sub, user.id);
  assert.deepEqual(parties?.approver.amr, ['pwd', 'otp', 'mfa']);
  assert.deepEqual(m.auditTypes().filter((t) => t.startsWith('approval.')), ['approval.declined', 'approval.granted']);
});

test('B19: "quick switch" in a browser that is no trusted register says so first; its button goes on to the full sign-in', async () => {
  const m = new MemorySignIn();
  const state = flowState({ quickSwitch: {} });
  const facts = await m.facts(state);
  assert.equal(firstApplying(state, facts), 'quick-switch-unavailable');
  const r = await submit(m, quickSwitchUnavailableStep, {}, state);
  assert.deepEqual(r, { kind: 'advance', patch: { quickSwitch: { off: true } }, effects: [] });
  assert.equal(firstApplying({ ...state, quickSwitch: { off: true } }, facts), 'store');
});
