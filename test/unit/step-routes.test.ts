// The extra GET routes the steps own (a mode switch, a way back, the emailed enrolment link, the codes download) and
// the effect that withdraws a held alarm: what each decides, over the real services on in-memory ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steps } from '../../interactions/index.js';
import { withAlarmWithdrawn } from '../../src/flow/effects.js';
import { createPageRenderer } from '../../src/http/page.js';
import { createAssets } from '../../src/http/assets.js';
import { PROJECT_ROOT } from '../../src/root.js';
import { enrolProofStep } from '../../interactions/enrol-proof/index.js';
import type { FlowState } from '../../src/flow/state.js';
import type { StepRoute } from '../../src/flow/step.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

const render = createPageRenderer({ root: PROJECT_ROOT, productName: 'POS Sign-in', assets: createAssets(PROJECT_ROOT) });

const route = (path: string): StepRoute => {
  const found = steps.flatMap((s) => s.routes ?? []).find((r) => r.path === path);
  assert.ok(found, path);
  return found;
};
const run = async (m: MemorySignIn, path: string, state: FlowState, query = '') => route(path).run(state, await m.facts(state), m.ctx, render, new URLSearchParams(query));

async function world() {
  const m = new MemorySignIn();
  const store = m.addStore('corner');
  const user = await m.addUser(store, 'alice', { role: 'owner', emailVerified: true });
  return { m, store, user };
}

test('S8: "Not your store?" goes back to the store question before the password, never after it', async () => {
  const { m, store, user } = await world();
  const before = flowState({ storeId: store.id, storePrefix: 'corner', username: 'alice' });
  assert.deepEqual(await run(m, 'change-store', before), { kind: 'patch', patch: { storeId: undefined, storePrefix: undefined, storeAsked: true, username: undefined, bothFactors: undefined } });
  const after = { ...before, userId: user.id, passwordVerified: true };
  assert.deepEqual(await run(m, 'change-store', after), { kind: 'patch', patch: {} }, 'a proven user stays in their store');
});

test('B14: "Forgot your password?" opens only before the password, for a known store', async () => {
  const { m, store, user } = await world();
  assert.deepEqual(await run(m, 'forgot-password', flowState({ storeId: store.id })), { kind: 'patch', patch: { forgot: 'ask' } });
  assert.deepEqual(await run(m, 'forgot-password', flowState()), { kind: 'patch', patch: {} });
  assert.deepEqual(await run(m, 'forgot-password', flowState({ storeId: store.id, userId: user.id, passwordVerified: true })), { kind: 'patch', patch: {} });
});

test('S10, B13: the switch links choose the factor asked for next', async () => {
  const { m } = await world();
  for (const [path, factor] of [
    ['use-app', 'totp'],
    ['use-recovery', 'recovery'],
    ['use-passkey', 'passkey'],
  ] as const) {
    assert.deepEqual(await run(m, path, flowState()), { kind: 'patch', patch: { factor } }, path);
  }
});

test('B17: the emailed enrolment link, opened in the signing-in browser, is the proof once; a made-up or used one is link_invalid', async () => {
  const { m, store, user } = await world();
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true });
  await enrolProofStep.submit({ action: 'email' }, state, await m.facts(state), m.ctx, REQ);
  const url = new URL(String(m.mails.find((n) => n.type === 'enrolment_link')?.details?.url));
  assert.equal(url.pathname, `/interaction/${state.uid}/enrol-link`);
  assert.deepEqual(await run(m, 'enrol-link', state, 'pass=AAAABBBBCCCCDDDD'), { kind: 'error', code: 'link_invalid' });
  assert.deepEqual(await run(m, 'enrol-link', state, url.search), { kind: 'patch', patch: { enrolProof: 'email' } });
  assert.deepEqual(await run(m, 'enrol-link', state, url.search), { kind: 'error', code: 'link_invalid' }, 'a link works once');
  assert.deepEqual(await run(m, 'enrol-link', { ...state, enrolProof: 'pass' }, url.search), { kind: 'error', code: 'link_invalid' }, 'nothing to prove any more');
});

test('B21: "Remind me later" from the proof page of "Set up now" works only while the roll-out is pending and nothing is proved', async () => {
  const m = new MemorySignIn();
  const store = m.addStore('corner', { cashierMfaBy: '2026-12-31' });
  const user = await m.addUser(store, 'carla');
  const now = flowState({ storeId: store.id, userId: user.id, passwordVerified: true, rollout: 'now' });
  assert.deepEqual(await run(m, 'rollout-later', now), { kind: 'patch', patch: { rollout: 'later' } });
  assert.deepEqual(await run(m, 'rollout-later', { ...now, enrolProof: 'pass' }), { kind: 'error', code: 'link_invalid' });
  assert.deepEqual(await run(m, 'rollout-later', { ...now, rollout: undefined }), { kind: 'error', code: 'link_invalid' });
});

test('B20: "another manager" forgets the refused person and their proofs, and keeps the cashier\'s store', async () => {
  const { m, store, user } = await world();
  const approval = { detail: { type: 'pos_approval' as const, action: 'void' as const, amount: '5.00', currency: 'EUR', register: 'Till 1', transaction_id: 'T-1' }, cashierId: 'user-c', cashierName: 'C', storeId: store.id };
  const refused = flowState({ storeId: store.id, storePrefix: 'corner', userId: user.id, username: 'alice', passwordVerified: true, secondFactor: 'totp', approval });
  const r = await run(m, 'approval-another-manager', refused);
  assert.equal(r.kind, 'patch');
  const after = { ...refused, ...(r.kind === 'patch' ? r.patch : {}) };
  assert.deepEqual([after.userId, after.passwordVerified, after.secondFactor, after.storeId], [undefined, undefined, undefined, store.id]);
  assert.deepEqual(await run(m, 'approval-another-manager', flowState()), { kind: 'patch', patch: {} }, 'not an approval: nothing to forget');
});

test('S7/B11: the recovery codes download exists only while the codes page is the current one', async () => {
  const { m, store, user } = await world();
  const codes = ['K7QF-2MZP-XW4D', 'B9RT-6NHC-Q2LA'];
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true, enrol: { stage: 'codes', codesSealed: m.ctx.mfa.sealCodes(codes) } });
  const r = await run(m, 'recovery-codes.txt', state);
  assert.equal(r.kind === 'download' && r.filename, 'recovery-codes.txt');
  assert.match(r.kind === 'download' ? r.body : '', /alice[\s\S]*K7QF-2MZP-XW4D\r\nB9RT-6NHC-Q2LA/);
  assert.deepEqual(await run(m, 'recovery-codes.txt', { ...state, enrol: { stage: 'code' } }), { kind: 'not-found' });
  assert.deepEqual(await run(m, 'recovery-codes.txt', flowState()), { kind: 'not-found' });
});

test('checklist 69: a right second factor after wrong ones in this sign-in withdraws the held alarm; otherwise nothing is added', () => {
  const wrong = flowState({ userId: 'u1', secondFactorFailures: 2 });
  const right = { ...wrong, secondFactor: 'totp' as const };
  assert.deepEqual(withAlarmWithdrawn(wrong, right, []), [{ kind: 'second-factor-passed', userId: 'u1' }]);
  assert.deepEqual(withAlarmWithdrawn(flowState({ userId: 'u1' }), { ...right, secondFactorFailures: undefined }, []), [], 'no wrong one before: no alarm to withdraw');
  assert.deepEqual(withAlarmWithdrawn(wrong, wrong, []), [], 'still wrong');
  assert.deepEqual(withAlarmWithdrawn(right, right, []), [], 'already proved earlier');
});
