// The quick-switch step's decisions on a trusted register (interactions/quick-switch; B19): who is offered a PIN, who
// the full sign-in, what a right or wrong PIN does, the 5-strikes rule; over the real quick-switch, throttle and user
// services on in-memory ports, with a test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickSwitchStep } from '../../interactions/quick-switch/index.js';
import { amrOf } from '../../src/flow/finish.js';
import { currentStep } from '../../src/flow/routing.js';
import { ACR } from '../../src/provider/acr.js';
import type { FlowState } from '../../src/flow/state.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

async function onRegister(currentRole: 'manager' | 'cashier' = 'manager') {
  const m = new MemorySignIn();
  const store = m.addStore('corner');
  const adam = await m.addUser(store, 'adam', { role: 'admin', name: 'Adam Admin' });
  const ann = await m.addUser(store, 'ann', { role: 'cashier', name: 'Ann Jansen' });
  const bram = await m.addUser(store, 'bram', { role: 'manager', name: 'Bram de Vries' });
  const olga = await m.addUser(store, 'olga', { role: 'owner', name: 'Olga Owner' });
  const { register, cookie } = await m.trustRegister(adam.id);
  await m.openQuickSwitch(register, ann.id, '2580');
  await m.openQuickSwitch(register, bram.id, '7315');
  await m.openQuickSwitch(register, olga.id);
  const state = flowState({ quickSwitch: { fromRole: currentRole, fromStoreId: store.id } });
  const facts = (s: FlowState) => m.facts(s, { register: cookie });
  const submit = async (s: FlowState, input: { pick?: string; pin?: string }) => quickSwitchStep.submit(input, s, await facts(s), m.ctx, REQ);
  return { m, store, register, cookie, ann, bram, olga, state, facts, submit };
}

test('B19: on a trusted register the quick switch comes first; elsewhere (or revoked) the page that says it is unavailable', async () => {
  const { m, state, facts, register, store } = await onRegister();
  assert.equal(currentStep(state, await facts(state))?.id, 'quick-switch');
  assert.equal(currentStep(state, await m.facts(state))?.id, 'quick-switch-unavailable', 'no register cookie');
  await m.ctx.quickSwitch.revoke({ id: 'user-adam', storeId: store.id }, register.id);
  const revoked = await facts(state);
  assert.equal(revoked.registerRevoked, true);
  assert.equal(currentStep(state, revoked)?.id, 'quick-switch-unavailable');
});

test('B19: the grid lists the day\'s full sign-ins; a PIN only for who may switch in below the current user', async () => {
  const { m, state, facts } = await onRegister('manager');
  const page = await quickSwitchStep.render(state, await facts(state), m.ctx);
  assert.equal(page.template, 'quick-switch');
  assert.deepEqual(
    (page.view.people as Array<{ name: string; pin: boolean }>).map((p) => [p.name, p.pin]),
    [
      ['Ann Jansen', true],
      ['Bram de Vries', true],
      ['Olga Owner', false],
    ],
  );
  const cashierAtTill = await onRegister('cashier');
  const people = (await quickSwitchStep.render(cashierAtTill.state, await cashierAtTill.facts(cashierAtTill.state), cashierAtTill.m.ctx)).view.people as Array<{ name: string; pin: boolean }>;
  assert.equal(people.find((p) => p.name === 'Bram de Vries')?.pin, false, 'no PIN switch to more privilege than the current user');
});

test('B19: picking a person with a PIN asks for it; an owner (or anyone without one) goes to the full sign-in, username filled in', async () => {
  const { state, submit, ann, olga, store } = await onRegister();
  assert.deepEqual(await submit(state, { pick: ann.id }), { kind: 'advance', patch: { quickSwitch: { ...state.quickSwitch, pick: ann.id } }, effects: [] });
  const full = await submit(state, { pick: olga.id });
  assert.deepEqual(full, { kind: 'advance', patch: { quickSwitch: { ...state.quickSwitch, pick: undefined, off: true }, storeId: store.id, storePrefix: 'corner', username: 'olga' }, effects: [] });
  assert.deepEqual(await submit(state, { pick: 'user-nobody' }), { kind: 'rerender', error: 'quick_switch_unavailable' });
});

test('B19: the right PIN ends the sign-in as a switch (amr ["pin"]); a wrong one says how many tries are left', async () => {
  const { m, state, facts, submit, ann, register: reg } = await onRegister();
  const picked = { ...state, quickSwitch: { ...state.quickSwitch, pick: ann.id } };
  const page = await quickSwitchStep.render(picked, await facts(picked), m.ctx);
  assert.deepEqual([page.template, page.view.name], ['quick-switch-pin', 'Ann Jansen']);
  const wrong = await submit(picked, { pin: '1111' });
  assert.deepEqual(wrong, { kind: 'rerender', error: 'pin_wrong', vars: { left: 4 } });
  m.advance(1_100);
  const right = await submit(picked, { pin: '2580' });
  assert.equal(right.kind, 'advance');
  const patch = right.kind === 'advance' ? right.patch : {};
  assert.deepEqual({ ...patch }, { pinVerified: true, switchRegisterId: reg.id, userId: ann.id, storeId: reg.storeId, username: 'ann' });
  const after = { ...picked, ...patch };
  assert.deepEqual(amrOf(after), { amr: ['pin'], acr: ACR.switch });
  assert.equal(currentStep(after, await m.facts(after)), undefined, 'nothing follows a right PIN');
});

test('B19: the fifth wrong PIN ends quick switching for that person on the register until their next full sign-in', async () => {
  const { m, state, submit, ann } = await onRegister();
  const picked = { ...state, quickSwitch: { ...state.quickSwitch, pick: ann.id } };
  let last = await submit(picked, { pin: '0000' });
  for (let i = 0; i < 4; i++) {
    m.advance(1_100);
    last = await submit(picked, { pin: '0000' });
  }
  assert.deepEqual(last, { kind: 'rerender', error: 'pin_ended', patch: { quickSwitch: { ...state.quickSwitch, pick: undefined } } });
  m.advance(1_100);
  assert.equal((await submit(picked, { pin: '2580' })).kind, 'rerender', 'even the right PIN is no longer taken');
  assert.ok(m.auditTypes().includes('quick_switch.ended'));
});

test('B19: a picked person who must enrol again or change the password is sent back to the grid', async () => {
  const { m, state, submit, ann } = await onRegister();
  m.users.get(ann.id)!.view.mustChangePassword = true;
  const picked = { ...state, quickSwitch: { ...state.quickSwitch, pick: ann.id } };
  assert.deepEqual(await submit(picked, { pin: '2580' }), { kind: 'rerender', error: 'quick_switch_unavailable', patch: { quickSwitch: { ...state.quickSwitch, pick: undefined } } });
});
