// What the runner reports to monitoring for a submission (src/flow/outcome.ts; B22), read from the steps' own decisions:
// refused passwords, second factors and access passes, and throttle refusals, each with the factor it concerned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { submissionOutcome } from '../../src/flow/outcome.js';
import { steps } from '../../interactions/index.js';
import type { FlowState } from '../../src/flow/state.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

const step = (id: string) => {
  const found = steps.find((s) => s.id === id);
  assert.ok(found, id);
  return found;
};
const submitted = async (m: MemorySignIn, id: string, input: Record<string, unknown>, state: FlowState) => {
  const s = step(id);
  const result = await s.submit(s.input.parse(input), state, await m.facts(state), m.ctx, REQ);
  return submissionOutcome(s, result);
};

test('B22: a wrong password, code, recovery code or access pass is reported as such; a right one is not reported here', async () => {
  const m = new MemorySignIn();
  const store = m.addStore();
  const user = await m.addUser(store, 'alice', { role: 'owner', password: 'correct horse battery' });
  const plain = flowState({ storeId: store.id });
  assert.deepEqual(await submitted(m, 'password', { username: 'alice', password: 'nope' }, plain), { outcome: 'failed_password', factor: 'password' });
  m.advance(1_100);
  assert.equal(await submitted(m, 'password', { username: 'alice', password: 'correct horse battery' }, plain), undefined);
  const proving = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true });
  assert.deepEqual(await submitted(m, 'enrol-proof', { pass: 'AAAA-BBBB-CCCC-DDDD' }, proving), { outcome: 'failed_access_pass', factor: 'access_pass' });
  const app = await m.enrolTotp(user.id);
  const wrongCode = String((Number(app.code()) + 1) % 1_000_000).padStart(6, '0');
  m.advance(1_100);
  assert.deepEqual(await submitted(m, 'totp-verify', { code: wrongCode }, proving), { outcome: 'failed_second_factor', factor: 'totp' });
  m.advance(1_100);
  assert.deepEqual(await submitted(m, 'recovery', { code: 'AAAA-BBBB-CCCC' }, { ...proving, factor: 'recovery' }), { outcome: 'failed_second_factor', factor: 'recovery' });
});

test('B22, checklist 24: a password held back for a second factor, and a refusal to wait, are reported as throttled', async () => {
  const m = new MemorySignIn();
  const store = m.addStore();
  const user = await m.addUser(store, 'alice', { password: 'correct horse battery' });
  const plain = flowState({ storeId: store.id });
  for (let i = 0; i < 6; i++) {
    m.advance(60_000);
    await submitted(m, 'password', { username: 'alice', password: 'nope' }, plain);
  }
  assert.deepEqual(await submitted(m, 'password', { username: 'alice', password: 'correct horse battery' }, plain), { outcome: 'throttled', factor: 'password' });
  const app = await m.enrolTotp(user.id);
  const held = { ...plain, username: 'alice', bothFactors: { userId: user.id, passwordOk: true, refusal: { kind: 'wait' as const, seconds: 60 }, breach: { status: 'ok' as const } } };
  const wrongCode = String((Number(app.code()) + 1) % 1_000_000).padStart(6, '0');
  assert.deepEqual(await submitted(m, 'both-factors', { code: wrongCode }, held), { outcome: 'failed_second_factor', factor: 'totp' }, 'the both-factors page says which factor it checked');
  const proving = { ...plain, userId: user.id, username: 'alice', passwordVerified: true, factor: 'recovery' as const };
  for (let i = 0; i < 5; i++) {
    m.advance(1_100);
    await submitted(m, 'recovery', { code: 'AAAA-BBBB-CCCC' }, proving);
  }
  assert.deepEqual(await submitted(m, 'recovery', { code: app.recovery[0] }, proving), { outcome: 'throttled', factor: 'recovery' }, 'slow_down');
});
