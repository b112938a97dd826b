// The runner's routing (src/flow/routing.ts, used by src/flow/runner.ts): which step comes next in the ordered list,
// a store handed on by the previous page, a POST to a step that no longer applies, and a flow that is done. Sign-ins are
// walked as the runner walks them, with the steps' own submits over the real services on in-memory ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentStep, postRoute, withCarry } from '../../src/flow/routing.js';
import type { FlowState } from '../../src/flow/state.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

const PASSWORD = 'correct horse battery';

async function world() {
  const m = new MemorySignIn();
  const store = m.addStore('corner');
  const other = m.addStore('other');
  return { m, store, other };
}

const stepNow = async (m: MemorySignIn, state: FlowState) => currentStep(state, await m.facts(state))?.id;

/**
 * One POST as the runner handles it: the route, the step's submit, its patch on the state (a carried patch rides on
 * with the next request, as the runner's signed carry does). Returns the state after it and the page shown next.
 */
async function post(m: MemorySignIn, state: FlowState, stepId: string, body: Record<string, unknown>) {
  const route = postRoute(stepId, state, await m.facts(state));
  if (route.kind !== 'submit') return { route: route.kind, state, next: await stepNow(m, state) };
  const result = await route.step.submit(route.step.input.parse(body), state, await m.facts(state), m.ctx, REQ);
  const after = result.kind === 'advance' || result.kind === 'rerender' ? { ...state, ...result.patch } : state;
  return { route: result.kind, state: after, next: await stepNow(m, after), error: result.kind === 'rerender' ? result.error : undefined };
}

test('S8: a sign-in walks store -> password -> the app\'s code -> done, each page the first step that applies', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'alice', { password: PASSWORD });
  const app = await m.enrolTotp(user.id);
  const state = flowState();
  assert.equal(await stepNow(m, state), 'store');
  let r = await post(m, state, 'store', { store: 'corner' });
  assert.deepEqual([r.route, r.next], ['advance', 'password']);
  r = await post(m, r.state, 'password', { username: 'alice', password: PASSWORD });
  assert.deepEqual([r.route, r.next], ['advance', 'totp-verify']);
  r = await post(m, r.state, 'totp-verify', { code: app.code() });
  assert.deepEqual([r.route, r.next], ['advance', undefined], 'nothing applies: the runner finishes the interaction');
  assert.equal(postRoute('totp-verify', r.state, await m.facts(r.state)).kind, 'finish', 'a POST to a finished flow finishes it');
});

test('S8: a refused password shows the password page again; the flow does not move', async () => {
  const { m, store } = await world();
  await m.addUser(store, 'alice', { password: PASSWORD });
  const r = await post(m, flowState({ storeId: store.id }), 'password', { username: 'alice', password: 'wrong' });
  assert.deepEqual([r.route, r.error, r.next], ['rerender', 'credentials', 'password']);
});

test('S15: a POST to a step that no longer applies (a stale tab) is sent back to the current step, unsubmitted', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'alice', { password: PASSWORD });
  await m.enrolTotp(user.id);
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true });
  const stale = await post(m, state, 'password', { username: 'alice', password: 'anything' });
  assert.deepEqual([stale.route, stale.next], ['stale', 'totp-verify']);
  assert.equal(postRoute('store', state, await m.facts(state)).kind, 'stale');
  assert.equal(postRoute('no-such-step', state, await m.facts(state)).kind, 'stale');
  const route = postRoute('totp-verify', state, await m.facts(state));
  assert.equal(route.kind === 'submit' && route.step.id, 'totp-verify');
});

test('S8: a store handed on by the store page applies before anyone is named; once the user is known, a carry cannot move them', async () => {
  const { m, store, other } = await world();
  const fresh = flowState();
  const carried = withCarry(fresh, { storeId: store.id, storePrefix: 'corner' });
  assert.equal(carried.storeId, store.id);
  assert.equal(await stepNow(m, carried), 'password');
  const signedIn = flowState({ storeId: store.id, storePrefix: 'corner', userId: 'user-alice', passwordVerified: true });
  assert.deepEqual(withCarry(signedIn, { storeId: other.id, storePrefix: 'other' }), signedIn, 'a proven user stays in their store');
  const named = flowState({ storeId: store.id, userId: 'user-alice' });
  assert.deepEqual(withCarry(named, { storeId: other.id, storePrefix: 'other' }), named);
  assert.deepEqual(withCarry(fresh, undefined), fresh);
});

test('S2: the breach warning comes after the second factor, never before it (a leaked password alone changes nothing)', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'alice', { password: PASSWORD });
  await m.enrolTotp(user.id);
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true, breach: { count: 3, resolved: false } });
  assert.equal(await stepNow(m, state), 'totp-verify');
  assert.equal(await stepNow(m, { ...state, secondFactor: 'totp' }), 'breach');
  assert.equal(await stepNow(m, { ...state, secondFactor: 'totp', breach: { count: 3, resolved: true } }), undefined);
});

test('checklist 61: a password an admin chose is replaced after the second factor, before the breach warning', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'alice', { password: PASSWORD, mustChangePassword: true });
  await m.enrolTotp(user.id);
  const state = flowState({ storeId: store.id, userId: user.id, passwordVerified: true, breach: { count: 3, resolved: false } });
  assert.equal(await stepNow(m, state), 'totp-verify');
  assert.equal(await stepNow(m, { ...state, secondFactor: 'totp' }), 'new-password');
});

test('B14/checklist 24: "Forgot your password?" and the both-factors page come before the password page', async () => {
  const { m, store } = await world();
  const state = flowState({ storeId: store.id });
  assert.equal(await stepNow(m, { ...state, forgot: 'ask' }), 'forgot-password');
  assert.equal(await stepNow(m, { ...state, bothFactors: { passwordOk: false, refusal: { kind: 'closed' } } }), 'both-factors');
});

test('B19: a right PIN ends the sign-in: no step follows it, whatever else would apply', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'carla', { role: 'owner' });
  const state = flowState({ storeId: store.id, userId: user.id, pinVerified: true });
  assert.equal(currentStep({ ...state, pinVerified: false, passwordVerified: true }, await m.facts(state))?.id, 'enrol-proof', 'the owner would have to enrol');
  assert.equal(await stepNow(m, state), undefined);
  assert.equal(postRoute('enrol-proof', state, await m.facts(state)).kind, 'finish');
});

test('checklist 52: a step-up of a signed-in user asks only the second factor (the password step does not apply)', async () => {
  const { m, store } = await world();
  const user = await m.addUser(store, 'alice');
  await m.enrolTotp(user.id);
  const remembered = await m.rememberDevice(user.id);
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true, stepUp: true, mfaDemanded: true });
  assert.equal(currentStep(state, await m.facts(state, { remembered }))?.id, 'totp-verify', 'even on a remembered device');
});
