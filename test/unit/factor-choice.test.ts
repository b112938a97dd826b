// Which second factor a sign-in asks for (factors/index.ts) and what the login then says it was: amr and acr
// (src/flow/finish.ts; RFC 8176; B4, B13; checklist 50-52, 71), decided from flow state and facts built by the flow's own
// loadFacts over in-memory stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentFactor, needsSecondFactor, proofOf, secondFactorDone } from '../../factors/index.js';
import { amrOf } from '../../src/flow/finish.js';
import { ACR } from '../../src/provider/acr.js';
import { flowState, MemorySignIn } from '../helpers/memory-sign-in.js';

async function signedInPassword(setup: (m: MemorySignIn, userId: string) => Promise<void>, role: 'cashier' | 'owner' = 'cashier') {
  const m = new MemorySignIn();
  const store = m.addStore();
  const user = await m.addUser(store, 'alice', { role });
  await setup(m, user.id);
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true });
  return { m, user, state };
}

test('B13: a user with a passkey and an app is asked for the passkey first; a switch ("use-app") asks for the app', async () => {
  const { m, state } = await signedInPassword(async (m, id) => {
    await m.enrolTotp(id);
    await m.enrolPasskey(id);
  });
  assert.equal(currentFactor(state, await m.facts(state))?.id, 'passkey');
  assert.equal(currentFactor({ ...state, factor: 'totp' }, await m.facts(state))?.id, 'totp');
  assert.equal(currentFactor({ ...state, factor: 'recovery' }, await m.facts(state))?.id, 'recovery');
});

test('S3/S10: an app user is asked for the app; a factor the user does not have is never asked, even when switched to', async () => {
  const { m, state } = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  const facts = await m.facts(state);
  assert.equal(currentFactor(state, facts)?.id, 'totp');
  assert.equal(currentFactor({ ...state, factor: 'passkey' }, facts)?.id, 'totp', 'no passkey: the first factor the user has');
});

test('S1: a user without a second factor is asked for none', async () => {
  const { m, state } = await signedInPassword(async () => undefined);
  const facts = await m.facts(state);
  assert.equal(needsSecondFactor(state, facts), false);
  assert.equal(currentFactor(state, facts), undefined);
});

test('B13/RFC 9470: a phishing-resistant demand asks only for a passkey; without one there is none to ask (phr-missing follows)', async () => {
  const both = await signedInPassword(async (m, id) => {
    await m.enrolTotp(id);
    await m.enrolPasskey(id);
  });
  const phr = { ...both.state, phrDemanded: true, mfaDemanded: true };
  assert.equal(currentFactor({ ...phr, factor: 'totp' }, await both.m.facts(phr))?.id, 'passkey', 'the app is not accepted for phr');
  const app = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  const appPhr = { ...app.state, phrDemanded: true };
  assert.equal(needsSecondFactor(appPhr, await app.m.facts(appPhr)), true);
  assert.equal(currentFactor(appPhr, await app.m.facts(appPhr)), undefined);
  // an app code proved earlier does not satisfy the phr demand
  assert.equal(secondFactorDone({ ...appPhr, secondFactor: 'totp' }), false);
  assert.equal(secondFactorDone({ ...phr, secondFactor: 'passkey' }), true);
});

test('checklist 50: a remembered device skips the second factor on an ordinary sign-in', async () => {
  const { m, user, state } = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  const cookie = await m.rememberDevice(user.id);
  assert.equal(needsSecondFactor(state, await m.facts(state, { remembered: cookie })), false);
  assert.equal(needsSecondFactor(state, await m.facts(state, { remembered: 'not-a-token' })), true, 'a made-up cookie is no remembered device');
  m.advance(31 * 86_400_000);
  assert.equal(needsSecondFactor(state, await m.facts(state, { remembered: cookie })), true, 'the remembered device expired after 30 days');
});

test('checklist 52: MFA demanded by the client, prompt=login/max_age, a step-up, or a pending re-enrolment: a remembered device skips nothing', async () => {
  const { m, user, state } = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  const remembered = await m.rememberDevice(user.id);
  for (const [why, over] of [
    ['mfaDemanded', { mfaDemanded: true }],
    ['freshDemanded', { freshDemanded: true }],
    ['stepUp', { stepUp: true }],
  ] as const) {
    const s = { ...state, ...over };
    assert.equal(needsSecondFactor(s, await m.facts(s, { remembered })), true, why);
  }
  const mustEnrol = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  mustEnrol.m.mfa(mustEnrol.user.id).state.mustEnrol = true;
  const again = await mustEnrol.m.rememberDevice(mustEnrol.user.id);
  assert.equal(needsSecondFactor(mustEnrol.state, await mustEnrol.m.facts(mustEnrol.state, { remembered: again })), true, 'must enrol again');
});

test('once the second factor is proved, none is asked any more', async () => {
  const { m, state } = await signedInPassword(async (m, id) => void (await m.enrolTotp(id)));
  const done = { ...state, secondFactor: 'totp' as const };
  assert.equal(needsSecondFactor(done, await m.facts(done)), false);
  assert.equal(currentFactor(done, await m.facts(done)), undefined);
});

test('checklist 51/71, B4: amr and acr say what was used', () => {
  const base = flowState({ passwordVerified: true });
  assert.deepEqual(amrOf(base), { amr: ['pwd'], acr: ACR.pwd }, 'a password alone (or a remembered device)');
  assert.deepEqual(amrOf({ ...base, secondFactor: 'totp' }), { amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa });
  assert.deepEqual(amrOf({ ...base, secondFactor: 'recovery' }), { amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa }, 'a recovery code is a one-time code');
  assert.deepEqual(amrOf({ ...base, secondFactor: 'passkey', secondFactorSeen: { synced: false, userVerified: true } }), { amr: ['pwd', 'hwk', 'user', 'mfa'], acr: ACR.phr });
  assert.deepEqual(amrOf({ ...base, secondFactor: 'passkey', secondFactorSeen: { synced: true, userVerified: false } }), { amr: ['pwd', 'swk', 'mfa'], acr: ACR.phr }, 'a synced passkey without user verification');
  assert.deepEqual(amrOf({ ...base, pinVerified: true, secondFactor: 'totp' }), { amr: ['pin'], acr: ACR.switch }, 'B19: a quick switch says only "pin"');
});

test('B13: proofOf marks only a passkey phishing-resistant', () => {
  assert.equal(proofOf(flowState({ secondFactor: 'passkey' })).phishingResistant, true);
  for (const f of ['totp', 'recovery'] as const) assert.equal(proofOf(flowState({ secondFactor: f })).phishingResistant, false, f);
  assert.deepEqual(proofOf(flowState()), { amr: ['pwd'], phishingResistant: false });
});

test('S1/S5/D4: whether MFA is required comes from role, store policy and client, as the facts read it', async () => {
  const m = new MemorySignIn();
  const plain = m.addStore('plain');
  const managers = m.addStore('managers', { requireForManagers: true });
  const everyone = m.addStore('everyone', { requireForEveryone: true });
  const xero = m.addStore('xero', {}, { country: 'AU', integrations: ['Xero'] });
  const required = async (storeId: string, role: 'owner' | 'admin' | 'manager' | 'cashier', requireMfa = false) => {
    const user = await m.addUser(m.stores.get(storeId)!, `${role}-${storeId}-${requireMfa}`, { role });
    const facts = await m.facts(flowState({ storeId, userId: user.id, passwordVerified: true }), {}, { requireMfa });
    return facts.user?.mfaRequired;
  };
  assert.equal(await required(plain.id, 'owner'), true, 'S1: owners always');
  assert.equal(await required(plain.id, 'admin'), true, 'S1: admins always');
  assert.equal(await required(plain.id, 'manager'), false);
  assert.equal(await required(plain.id, 'cashier'), false);
  assert.equal(await required(managers.id, 'manager'), true, 'store: managers and up');
  assert.equal(await required(managers.id, 'cashier'), false);
  assert.equal(await required(everyone.id, 'cashier'), true, 'store: everyone');
  assert.equal(await required(xero.id, 'admin'), true, 'S5: Australian store with Xero');
  assert.equal(await required(plain.id, 'cashier', true), true, 'D4: the client requires MFA');
});
