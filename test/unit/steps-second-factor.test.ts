// The second-factor steps' decisions (factors/*/verify-step.ts, through the factor list's verifySteps): whose turn it
// is, and what a right, wrong, reused or throttled code, recovery code or passkey does (S3, S8, S10, S14, B1, B2, B13;
// checklist 30, 43, 50, 69), over the real services on in-memory ports with a test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifySteps } from '../../factors/index.js';
import type { FlowState } from '../../src/flow/state.js';
import type { Step, StepResult } from '../../src/flow/step.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

const stepOf = (id: string): Step => {
  const step = verifySteps.find((s) => s.id === id);
  assert.ok(step, id);
  return step;
};
const totpStep = stepOf('totp-verify');
const recoveryStep = stepOf('recovery');
const passkeyStep = stepOf('passkey-verify');

async function afterPassword(opts: { rememberAllowed?: boolean } = {}) {
  const m = new MemorySignIn();
  const store = m.addStore('corner', { rememberDeviceAllowed: opts.rememberAllowed ?? true });
  const user = await m.addUser(store, 'alice');
  const state = flowState({ storeId: store.id, userId: user.id, username: 'alice', passwordVerified: true });
  return { m, user, state };
}

const effectKinds = (r: StepResult) => (r.kind === 'advance' || r.kind === 'rerender' ? (r.effects ?? []).map((e) => (e.kind === 'audit' ? `audit:${e.type}` : e.kind)) : []);
const submit = async (m: MemorySignIn, step: Step, input: Record<string, unknown>, state: FlowState) => step.submit(step.input.parse(input), state, await m.facts(state), m.ctx, REQ);
const other = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

test('S8: exactly the current factor\'s verify step applies; none before the password or after the second factor', async () => {
  const { m, user, state } = await afterPassword();
  await m.enrolTotp(user.id);
  const applying = async (s: FlowState) => {
    const facts = await m.facts(s);
    return verifySteps.filter((v) => v.applies(s, facts)).map((v) => v.id);
  };
  assert.deepEqual(await applying(state), ['totp-verify']);
  assert.deepEqual(await applying({ ...state, factor: 'recovery' }), ['recovery']);
  assert.deepEqual(await applying({ ...state, passwordVerified: undefined, userId: undefined }), [], 'nobody named yet');
  assert.deepEqual(await applying({ ...state, secondFactor: 'totp' }), []);
});

test('S3/B1: a right code advances with secondFactor totp; the same code again is code_replayed (no alarm); a wrong one code_invalid with the alarm', async () => {
  const { m, user, state } = await afterPassword();
  const app = await m.enrolTotp(user.id);
  const ok = await submit(m, totpStep, { code: app.code() }, state);
  assert.deepEqual(ok, { kind: 'advance', patch: { secondFactor: 'totp' }, effects: [] });
  m.advance(1_000);
  const again = await submit(m, totpStep, { code: app.code() }, state);
  assert.equal(again.kind === 'rerender' && again.error, 'code_replayed', 'checklist 30: an accepted code is refused on reuse');
  assert.deepEqual(effectKinds(again), ['audit:signin.totp_failed'], 'a reused code is the user\'s own: nobody is alarmed');
  m.advance(1_000);
  const wrong = await submit(m, totpStep, { code: other(app.code()) }, state);
  assert.equal(wrong.kind === 'rerender' && wrong.error, 'code_invalid');
  assert.deepEqual(effectKinds(wrong), ['audit:signin.totp_failed', 'notify-second-factor-failed'], 'checklist 69');
  assert.deepEqual(wrong.kind === 'rerender' && wrong.patch, { secondFactorFailures: 1 });
});

test('checklist 32: a code of the previous or next step is taken (one step of skew), a code two steps old is not', async () => {
  const { m, user, state } = await afterPassword();
  const app = await m.enrolTotp(user.id);
  m.advance(60_000);
  const old = await submit(m, totpStep, { code: app.code(new Date(m.now.getTime() - 60_000)) }, state);
  assert.equal(old.kind === 'rerender' && old.error, 'code_invalid');
  m.advance(1_000);
  const next = await submit(m, totpStep, { code: app.code(new Date(m.now.getTime() + 30_000)) }, state);
  assert.equal(next.kind, 'advance');
});

test('S8/checklist 50: "remember this device" asks for the device cookie only when the store allows it', async () => {
  const allowed = await afterPassword();
  const app = await allowed.m.enrolTotp(allowed.user.id);
  const r = await submit(allowed.m, totpStep, { code: app.code(), remember: '1' }, allowed.state);
  assert.deepEqual(r.kind === 'advance' && r.effects, [{ kind: 'remember-device', userId: allowed.user.id }]);
  const barred = await afterPassword({ rememberAllowed: false });
  const app2 = await barred.m.enrolTotp(barred.user.id);
  const r2 = await submit(barred.m, totpStep, { code: app2.code(), remember: '1' }, barred.state);
  assert.deepEqual(r2.kind === 'advance' && r2.effects, [], 'the store does not allow remembered devices');
  const page = await totpStep.render(barred.state, await barred.m.facts(barred.state), barred.m.ctx);
  assert.equal(page.view.offerRemember, false, 'and the page does not offer it');
});

test('B2/checklist 43: wrong codes after the right password are counted; the fifth makes the next wait, however right it is', async () => {
  const { m, user, state } = await afterPassword();
  const app = await m.enrolTotp(user.id);
  let s = state;
  for (let i = 0; i < 5; i++) {
    m.advance(1_100);
    const r = await submit(m, totpStep, { code: other(app.code()) }, s);
    if (r.kind === 'rerender') s = { ...s, ...r.patch };
  }
  assert.equal(s.secondFactorFailures, 5);
  const refused = await submit(m, totpStep, { code: app.code() }, s);
  assert.equal(refused.kind === 'rerender' && refused.error, 'slow_down');
  m.advance(2_000);
  assert.equal((await submit(m, totpStep, { code: app.code() }, s)).kind, 'advance', 'after the wait the right code is taken');
});

test('S10: a recovery code advances with secondFactor recovery and is used up; a wrong or reused one is recovery_invalid', async () => {
  const { m, user, state } = await afterPassword();
  const app = await m.enrolTotp(user.id);
  const s = { ...state, factor: 'recovery' as const };
  const ok = await submit(m, recoveryStep, { code: app.recovery[0] }, s);
  assert.deepEqual(ok, { kind: 'advance', patch: { secondFactor: 'recovery', factor: undefined }, effects: [] });
  assert.ok(m.mailTypes().includes('recovery_code_used'), 'checklist 45: the user is told');
  m.advance(1_100);
  const reused = await submit(m, recoveryStep, { code: app.recovery[0] }, s);
  assert.equal(reused.kind === 'rerender' && reused.error, 'recovery_invalid', 'checklist 42: a code works once');
  assert.deepEqual(effectKinds(reused), ['audit:signin.recovery_failed', 'notify-second-factor-failed']);
  m.advance(1_100);
  const made = await submit(m, recoveryStep, { code: 'AAAA-BBBB-CCCC' }, s);
  assert.equal(made.kind === 'rerender' && made.error, 'recovery_invalid');
});

test('S10: after a recovery code the user must set MFA up again in this sign-in (the enrolment follows)', async () => {
  const { m, user, state } = await afterPassword();
  const app = await m.enrolTotp(user.id);
  await submit(m, recoveryStep, { code: app.recovery[1] }, { ...state, factor: 'recovery' });
  const facts = await m.facts({ ...state, secondFactor: 'recovery' });
  assert.equal(facts.user?.mustEnrol, true);
});

test('B13: a passkey assertion advances with what the authenticator saw (amr); a replay, a clone and a stranger\'s key are refused', async () => {
  const { m, user, state } = await afterPassword();
  const device = await m.enrolPasskey(user.id);
  const facts = await m.facts(state);
  assert.equal(passkeyStep.applies(state, facts), true, 'a passkey is asked first');
  const page = await passkeyStep.render(state, facts, m.ctx);
  const options = JSON.parse(String(page.view.optionsJson));
  const assertion = JSON.stringify(device.assert(options));
  const ok = await submit(m, passkeyStep, { credential: assertion }, state);
  assert.equal(ok.kind, 'advance');
  assert.deepEqual(ok.kind === 'advance' && ok.patch.secondFactor, 'passkey');
  assert.deepEqual(ok.kind === 'advance' && ok.patch.secondFactorSeen, { synced: false, userVerified: true });
  m.advance(1_100);
  const replay = await submit(m, passkeyStep, { credential: assertion }, state);
  assert.equal(replay.kind === 'rerender' && replay.error, 'passkey_failed', 'checklist 37: a challenge is used once');
  assert.deepEqual(effectKinds(replay), ['audit:signin.passkey_failed'], 'a stale page alarms nobody');
  m.advance(1_100);
  const fresh = JSON.parse(String((await passkeyStep.render(state, facts, m.ctx)).view.optionsJson));
  const cloned = await submit(m, passkeyStep, { credential: JSON.stringify(device.assert(fresh, { counter: 1 })) }, state);
  assert.equal(cloned.kind === 'rerender' && cloned.error, 'passkey_cloned', 'a sign counter that went back');
  assert.deepEqual(effectKinds(cloned), ['audit:signin.passkey_failed', 'notify-second-factor-failed']);
});

test('the verify page links to the user\'s other factors, the fallback named for what failed', async () => {
  const { m, user, state } = await afterPassword();
  await m.enrolTotp(user.id);
  const page = await totpStep.render(state, await m.facts(state), m.ctx);
  assert.deepEqual(page.view.alternatives, [{ url: '/interaction/uid-1/use-recovery', label: 'factors.totp.lost' }]);
  const recoveryPage = await recoveryStep.render({ ...state, factor: 'recovery' }, await m.facts(state), m.ctx);
  assert.deepEqual(recoveryPage.view.alternatives, [{ url: '/interaction/uid-1/use-app', label: 'factors.totp.switch' }]);
});
