// The first-factor sign-in steps' decisions (interactions/store, password, both-factors, breach, new-password,
// forgot-password): applies() and submit() outcomes over the real services on in-memory ports, with a test clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeStep } from '../../interactions/store/index.js';
import { passwordStep } from '../../interactions/password/index.js';
import { bothFactorsStep } from '../../interactions/password/both-factors.js';
import { breachStep } from '../../interactions/breach/index.js';
import { newPasswordStep } from '../../interactions/new-password/index.js';
import { forgotPasswordStep } from '../../interactions/forgot-password/index.js';
import type { FlowState } from '../../src/flow/state.js';
import type { StepResult } from '../../src/flow/step.js';
import { flowState, MemorySignIn, REQ } from '../helpers/memory-sign-in.js';

const PASSWORD = 'correct horse battery';

async function setUp(opts: { breachFailMode?: 'open' | 'closed' } = {}) {
  const m = new MemorySignIn(opts);
  const store = m.addStore();
  const user = await m.addUser(store, 'alice', { password: PASSWORD });
  const state = flowState({ storeId: store.id, storePrefix: store.prefix });
  return { m, store, user, state };
}

const submitPassword = async (m: MemorySignIn, state: FlowState, username: string, password: string) =>
  passwordStep.submit({ username, password }, state, await m.facts(state), m.ctx, REQ);

const auditTypes = (r: StepResult) => (r.kind === 'advance' || r.kind === 'rerender' ? (r.effects ?? []).flatMap((e) => (e.kind === 'audit' ? [e.type] : [])) : []);

test('S8: the store step applies until a store is known; a known prefix or URL is handed on (carried, not stored)', async () => {
  const { m, store } = await setUp();
  const empty = flowState();
  assert.equal(storeStep.applies(empty, await m.facts(empty)), true);
  const r = await storeStep.submit({ store: 'https://Corner.example-pos.com/till' }, empty, await m.facts(empty), m.ctx, REQ);
  assert.deepEqual(r, { kind: 'advance', patch: { storeId: store.id, storePrefix: 'corner' }, effects: [], carry: true });
  const withStore = flowState({ storeId: store.id });
  assert.equal(storeStep.applies(withStore, await m.facts(withStore)), false);
});

test('S8: an unknown or malformed store is refused with store_unknown and the prefix kept for the form', async () => {
  const { m } = await setUp();
  const s = flowState();
  assert.deepEqual(await storeStep.submit({ store: 'nosuchstore' }, s, await m.facts(s), m.ctx, REQ), { kind: 'rerender', error: 'store_unknown', patch: { storePrefix: 'nosuchstore' } });
  const bad = await storeStep.submit({ store: '-bad_prefix' }, s, await m.facts(s), m.ctx, REQ);
  assert.equal(bad.kind === 'rerender' && bad.error, 'store_unknown');
});

test('S8: the password step applies once a store is known and until the password is proved', async () => {
  const { m, state } = await setUp();
  assert.equal(passwordStep.applies(state, await m.facts(state)), true);
  assert.equal(passwordStep.applies(flowState(), await m.facts(flowState())), false, 'no store yet');
  const proved = { ...state, passwordVerified: true };
  assert.equal(passwordStep.applies(proved, await m.facts(proved)), false);
});

test('S8: a right password advances with the user, and records nothing else when not breached', async () => {
  const { m, user, state } = await setUp();
  const r = await submitPassword(m, state, 'alice', PASSWORD);
  assert.deepEqual(r, { kind: 'advance', patch: { userId: user.id, username: 'alice', passwordVerified: true }, effects: [] });
});

test('checklist 25: a wrong password and an unknown user get the same answer (credentials), each audited, the username kept', async () => {
  const { m, state } = await setUp();
  const wrong = await submitPassword(m, state, 'alice', 'not the password');
  const unknown = await submitPassword(m, state, 'nobody', PASSWORD);
  for (const [r, username] of [[wrong, 'alice'], [unknown, 'nobody']] as const) {
    assert.equal(r.kind, 'rerender');
    assert.equal(r.kind === 'rerender' && r.error, 'credentials');
    assert.deepEqual(r.kind === 'rerender' && r.patch, { username });
    assert.deepEqual(auditTypes(r), ['signin.password_failed']);
  }
});

test('B2, B18: failures on a known device slow it down (slow_down), then in minutes (locked); the test clock moves it on', async () => {
  const { m, user, state } = await setUp();
  // a known device of the user counts on its own, so its refusal is a plain wait (an unknown one goes to both-factors)
  const known = m.ctx.knownDevices.remember(undefined, user.id);
  const attempt = async (password: string) => passwordStep.submit({ username: 'alice', password }, state, await m.facts(state, { known }), m.ctx, REQ);
  for (let i = 0; i < 5; i++) {
    m.advance(1_100);
    assert.equal((await attempt('wrong')).kind, 'rerender');
  }
  const slow = await attempt(PASSWORD);
  assert.deepEqual(slow.kind === 'rerender' && [slow.error, slow.vars], ['slow_down', { seconds: 1 }], 'four free tries, then a second');
  for (let i = 0; i < 6; i++) {
    m.advance(16 * 60_000);
    await attempt('wrong');
  }
  const locked = await attempt(PASSWORD);
  assert.deepEqual(locked.kind === 'rerender' && [locked.error, locked.vars], ['locked', { minutes: 2 }], 'eleven failures: 64 s, told in minutes');
  m.advance(65_000);
  const later = await attempt(PASSWORD);
  assert.equal(later.kind === 'advance' && later.patch.passwordVerified, true, 'after the wait the right password is taken');
});

test('checklist 24: while the account holds passwords back, a password from an unknown device goes on to the both-factors page, right or wrong alike', async () => {
  const { m, user, state } = await setUp();
  for (let i = 0; i < 6; i++) {
    m.advance(60_000);
    await submitPassword(m, state, 'alice', 'wrong');
  }
  const right = await submitPassword(m, state, 'alice', PASSWORD);
  const wrong = await submitPassword(m, state, 'alice', 'still wrong');
  assert.equal(right.kind, 'advance');
  assert.equal(wrong.kind, 'advance');
  const both = (r: StepResult) => (r.kind === 'advance' ? r.patch.bothFactors : undefined);
  assert.equal(both(right)?.passwordOk, true);
  assert.equal(both(wrong)?.passwordOk, false);
  assert.equal(both(right)?.userId, user.id);
  assert.equal(right.kind === 'advance' && right.patch.passwordVerified, undefined, 'the password alone proves nothing yet');
  // and from the user's known device the count is its own: a plain sign-in
  const device = m.ctx.knownDevices.remember(undefined, user.id);
  const known = await passwordStep.submit({ username: 'alice', password: PASSWORD }, state, await m.facts(state, { known: device }), m.ctx, REQ);
  assert.equal(known.kind === 'advance' && known.patch.passwordVerified, true, 'B18: a known device is not held back');
});

test('S2: a breached password advances with the breach to resolve, audited breach.detected', async () => {
  const { m, state } = await setUp();
  m.breached.set(PASSWORD, 52_314);
  const r = await submitPassword(m, state, 'alice', PASSWORD);
  assert.equal(r.kind, 'advance');
  assert.deepEqual(r.kind === 'advance' && r.patch.breach, { count: 52_314, resolved: false });
  assert.deepEqual(auditTypes(r), ['breach.detected']);
});

test('B7: the range API down signs in (fail open) with an audit event; BREACH_FAIL_MODE=closed refuses with breach_unavailable', async () => {
  const open = await setUp();
  open.m.breachDown = true;
  const r = await submitPassword(open.m, open.state, 'alice', PASSWORD);
  assert.equal(r.kind === 'advance' && r.patch.passwordVerified, true);
  assert.deepEqual(auditTypes(r), ['breach.check_unavailable']);
  const closed = await setUp({ breachFailMode: 'closed' });
  closed.m.breachDown = true;
  const refused = await submitPassword(closed.m, closed.state, 'alice', PASSWORD);
  assert.equal(refused.kind === 'rerender' && refused.error, 'breach_unavailable');
});

test('S2: the breach step applies to an unresolved breach; "later" resolves it (audited), "change" needs matching, acceptable passwords', async () => {
  const { m, user, state } = await setUp();
  const s = { ...state, userId: user.id, username: 'alice', passwordVerified: true, secondFactor: 'totp' as const, breach: { count: 3, resolved: false } };
  const facts = await m.facts(s);
  assert.equal(breachStep.applies(s, facts), true);
  assert.equal(breachStep.applies({ ...s, breach: { count: 3, resolved: true } }, facts), false);
  assert.deepEqual(await breachStep.submit({ choice: 'later' }, s, facts, m.ctx, REQ), { kind: 'advance', patch: { breach: { count: 3, resolved: true } }, effects: [{ kind: 'audit', type: 'breach.warning_dismissed' }] });
  const mismatch = await breachStep.submit({ choice: 'change', new_password: 'a new long password', confirm_password: 'another one' }, s, facts, m.ctx, REQ);
  assert.equal(mismatch.kind === 'rerender' && mismatch.error, 'password_mismatch');
  const short = await breachStep.submit({ choice: 'change', new_password: 'short', confirm_password: 'short' }, s, facts, m.ctx, REQ);
  assert.equal(short.kind === 'rerender' && short.error, 'password_too_short');
  m.breached.set('also leaked somewhere', 9);
  const leaked = await breachStep.submit({ choice: 'change', new_password: 'also leaked somewhere', confirm_password: 'also leaked somewhere' }, s, facts, m.ctx, REQ);
  assert.equal(leaked.kind === 'rerender' && leaked.error, 'password_breached');
  const changed = await breachStep.submit({ choice: 'change', new_password: 'a fresh passphrase 42', confirm_password: 'a fresh passphrase 42' }, s, facts, m.ctx, REQ);
  assert.deepEqual(changed, { kind: 'advance', patch: { breach: { count: 3, resolved: true } }, effects: [] });
  assert.ok(await m.ctx.passwords.verifyUser(user.id, 'a fresh passphrase 42'), 'the new password is the one that works now');
  assert.ok(m.auditTypes().includes('password.changed'));
  assert.ok(m.mailTypes().includes('password_changed'), 'S4: the user is told');
});

test('checklist 61: new-password applies to a user who must change the password, after the password; it settles a breach warning too', async () => {
  const m = new MemorySignIn();
  const store = m.addStore();
  const user = await m.addUser(store, 'bobthebuilder', { mustChangePassword: true });
  const s = flowState({ storeId: store.id, userId: user.id, username: 'bobthebuilder', passwordVerified: true, breach: { count: 1, resolved: false } });
  const facts = await m.facts(s);
  assert.equal(newPasswordStep.applies(s, facts), true);
  assert.equal(newPasswordStep.applies({ ...s, passwordVerified: false }, facts), false);
  const context = await newPasswordStep.submit({ new_password: 'BobTheBuilder', confirm_password: 'BobTheBuilder' }, s, facts, m.ctx, REQ);
  assert.equal(context.kind === 'rerender' && context.error, 'password_context', 'the username is no password');
  const ok = await newPasswordStep.submit({ new_password: 'a fresh passphrase 42', confirm_password: 'a fresh passphrase 42' }, s, facts, m.ctx, REQ);
  assert.deepEqual(ok, { kind: 'advance', patch: { breach: { count: 1, resolved: true } }, effects: [] });
});

test('checklist 24, checklist 69: both-factors: a right password with a right code signs in; a wrong code is refused alike and told to the user', async () => {
  const { m, user, state } = await setUp();
  const app = await m.enrolTotp(user.id);
  const held = { ...state, username: 'alice', bothFactors: { userId: user.id, passwordOk: true, refusal: { kind: 'wait' as const, seconds: 120 }, breach: { status: 'ok' as const } } };
  const facts = await m.facts(held);
  assert.equal(bothFactorsStep.applies(held, facts), true);
  const wrongCode = app.code() === '000000' ? '111111' : '000000';
  const refused = await bothFactorsStep.submit({ code: wrongCode }, held, facts, m.ctx, REQ);
  assert.equal(refused.kind === 'rerender' && refused.error, 'both_factors_failed');
  assert.deepEqual(auditTypes(refused), ['signin.totp_failed']);
  assert.ok(refused.kind === 'rerender' && refused.effects?.some((e) => e.kind === 'notify-second-factor-failed'), 'checklist 69: a right password and a wrong code is told');
  m.advance(1_000);
  const ok = await bothFactorsStep.submit({ code: app.code() }, held, facts, m.ctx, REQ);
  assert.equal(ok.kind, 'advance');
  assert.deepEqual(ok.kind === 'advance' && { ...ok.patch }, { userId: user.id, username: 'alice', passwordVerified: true, secondFactor: 'totp', factor: undefined, bothFactors: undefined });
});

test('checklist 24: both-factors with a wrong password: the code is not even checked, the answer is the same, nobody is told', async () => {
  const { m, user, state } = await setUp();
  const app = await m.enrolTotp(user.id);
  const held = { ...state, username: 'alice', bothFactors: { userId: user.id, passwordOk: false, refusal: { kind: 'wait' as const, seconds: 120 } } };
  const r = await bothFactorsStep.submit({ code: app.code() }, held, await m.facts(held), m.ctx, REQ);
  assert.equal(r.kind === 'rerender' && r.error, 'both_factors_failed');
  assert.deepEqual(auditTypes(r), ['signin.password_failed']);
  assert.equal(r.kind === 'rerender' && r.effects?.some((e) => e.kind === 'notify-second-factor-failed'), false);
});

test('checklist 24, S10: both-factors accepts a recovery code with the right password; the user must then enrol again', async () => {
  const { m, user, state } = await setUp();
  const app = await m.enrolTotp(user.id);
  const held = { ...state, username: 'alice', bothFactors: { userId: user.id, passwordOk: true, refusal: { kind: 'closed' as const }, breach: { status: 'breached' as const, count: 4 } } };
  const r = await bothFactorsStep.submit({ code: app.recovery[0] }, held, await m.facts(held), m.ctx, REQ);
  assert.equal(r.kind, 'advance');
  assert.equal(r.kind === 'advance' && r.patch.secondFactor, 'recovery');
  assert.deepEqual(r.kind === 'advance' && r.patch.breach, { count: 4, resolved: false }, 'S2: the breach of the right password still has to be resolved');
  assert.equal((await m.ctx.users.byId(user.id))?.mustEnrol, true);
});

test('B14: forgot-password applies when asked before the password; any username answers "sent", the throttle answers reset_too_many', async () => {
  const { m, state } = await setUp();
  const asked = { ...state, forgot: 'ask' as const };
  const facts = await m.facts(asked);
  assert.equal(forgotPasswordStep.applies(asked, facts), true);
  assert.equal(forgotPasswordStep.applies({ ...asked, passwordVerified: true }, facts), false);
  assert.equal(forgotPasswordStep.applies(state, facts), false, 'not unless asked');
  const known = await forgotPasswordStep.submit({ username: 'alice' }, asked, facts, m.ctx, REQ);
  const unknown = await forgotPasswordStep.submit({ username: 'nobody' }, asked, facts, m.ctx, REQ);
  assert.deepEqual(known, { kind: 'advance', patch: { forgot: 'sent', username: 'alice' }, effects: [] });
  assert.deepEqual(unknown, { kind: 'advance', patch: { forgot: 'sent', username: 'nobody' }, effects: [] }, 'checklist 25: the same answer');
  assert.deepEqual(m.mailTypes(), ['password_reset_link'], 'only the real user gets a link');
  for (let i = 0; i < 2; i++) await forgotPasswordStep.submit({ username: 'alice' }, asked, facts, m.ctx, REQ);
  const limited = await forgotPasswordStep.submit({ username: 'alice' }, asked, facts, m.ctx, REQ);
  assert.equal(limited.kind === 'rerender' && limited.error, 'reset_too_many');
});
