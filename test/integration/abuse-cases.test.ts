// Attacks and edge cases found in review: guessing codes around the throttle, racing single-use things,
// password-only sessions reaching account changes, native apps, switching to another user (B2, B4, S8, S9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { CLOSE_AFTER } from '../../src/services/throttle/index.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PW = 'abuse case passphrase';

describe('abuse cases (B2, checklist 21-23, 39, 80, 86)', () => {
  let stack: Stack;
  let storeId: string;
  let app: AuthenticatorApp;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('market');
    const id = await stack.createUser(storeId, 'max', 'manager', PW);
    await stack.createUser(storeId, 'nia', 'cashier', PW);
    await stack.createUser(storeId, 'ola', 'cashier', PW);
    app = await stack.enrol(id, 'market', 'max');
  });
  after(() => stack.close());

  const toCodeStep = async (agent: Agent) => {
    const flow = await beginSignIn(stack, agent, { login_hint: 'market:' });
    return { flow, page: await submit(agent, flow.page, { username: 'max', password: PW }, { stopAt: flow.redirect }) };
  };
  const counter = () => stack.failures(`acct:${storeId}:max`);

  it('a store handed on earlier in the sign-in cannot move a proven user into another store\'s policy (review, S1, B21)', async () => {
    // store "strict" requires MFA of everyone; "lax" does not; lou (strict) has no MFA yet
    const strictId = await stack.createStore('strict', { policy: { requireForEveryone: true } });
    await stack.createStore('lax');
    await stack.createUser(strictId, 'lou', 'cashier', PW);
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent);
    // the attacker mints a carry for "lax" inside their own interaction, then goes back and picks "strict"
    const laxPassword = await submit(agent, flow.page, { store: 'lax' });
    const laxCarry = /name="carry" value="([^"]+)"/.exec(laxPassword.body)?.[1];
    assert.ok(laxCarry, 'the password page hands the store on');
    const uid = new URL(laxPassword.url).pathname.split('/')[2];
    const storePage = await agent.follow(`${stack.issuer}/interaction/${uid}/change-store`);
    const strictPassword = await submit(agent, storePage, { store: 'strict' });
    const enrol = await submit(agent, strictPassword, { username: 'lou', password: PW }, { stopAt: flow.redirect });
    assert.ok(!enrol.url.startsWith(flow.redirect), 'strict asks for MFA');
    // replaying the old carry after the password changes nothing: still the enrolment, no code for the client
    const replay = await agent.follow(`${stack.issuer}/interaction/${uid}/change-store?carry=${encodeURIComponent(laxCarry)}`, { stopAt: flow.redirect });
    assert.ok(!replay.url.startsWith(flow.redirect), 'no authorization code without MFA');
    assert.equal(textOf(replay.body), textOf(enrol.body));
    assert.equal((await stack.services.flows.load(uid, { fresh: true }))?.storeId, strictId);
  });

  it('entering the right password again does not reset failed codes (checklist 21-23)', async () => {
    try {
      const a = new Agent();
      let first = (await toCodeStep(a)).page;
      for (let i = 0; i < 4; i++) first = await submit(a, first, { code: '000000' });
      const b = new Agent();
      const second = (await toCodeStep(b)).page;
      const fifth = await submit(b, second, { code: '000000' });
      assert.equal(await counter(), 5, 'the failures of both sign-ins add up');
      const sixth = await submit(b, fifth, { code: await app.code() });
      assert.match(textOf(sixth.body), /Wait \d+ seconds? and try again/);
    } finally {
      await stack.clearFailures();
    }
  });

  it('parallel wrong codes are each counted or refused, never checked unseen (checklist 86)', async () => {
    const agent = new Agent();
    const { page } = await toCodeStep(agent);
    const results = await Promise.all(Array.from({ length: 12 }, () => submit(agent, page, { code: '000000' })));
    const checked = results.filter((r) => /Invalid authentication code/.test(textOf(r.body))).length;
    assert.equal(await counter(), checked, 'every checked code was counted');
    assert.ok(checked >= 1 && checked <= 5, `the free attempts at most were checked, got ${checked}`);
    await stack.clearFailures();
  });

  it('one authorization code redeemed concurrently gives tokens once (checklist 80, 86)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'market:' });
    const done = await submit(agent, flow.page, { username: 'nia', password: PW }, { stopAt: flow.redirect });
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => redeem(flow, done.url)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('a password-only session of an MFA user is sent for the code before account changes (checklist 39, 58)', async () => {
    const agent = new Agent();
    const { flow, page } = await toCodeStep(agent);
    await redeem(flow, (await submit(agent, page, { code: await app.code(), remember: '1' }, { stopAt: flow.redirect })).url);
    agent.forgetSession();
    const again = await beginSignIn(stack, agent, { login_hint: 'market:' });
    const pwdOnly = await redeem(again, (await submit(agent, again.page, { username: 'max', password: PW }, { stopAt: again.redirect })).url);
    assert.deepEqual(pwdOnly.claims()!.amr, ['pwd']);
    const res = await agent.request(`${stack.issuer}/account`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/account/login?mfa=1');
    const stepUp = await agent.follow(`${stack.issuer}/account/login?mfa=1`);
    assert.match(stepUp.body, /name="code"/);
    assert.doesNotMatch(stepUp.body, /name="password"/);
  });

  it('a native POS app signs in with PKCE and is never offered "remember this device" (S8)', async () => {
    const tablet = await oidc.discovery(new URL(stack.issuer), 'pos-tablet', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'market:', redirect_uri: 'http://127.0.0.1/callback' }, tablet);
    const code = await submit(agent, flow.page, { username: 'max', password: PW }, { stopAt: flow.redirect });
    assert.match(code.body, /name="code"/);
    assert.doesNotMatch(code.body, /name="remember"/);
    const done = await submit(agent, code, { code: await app.code() }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    assert.deepEqual(tokens.claims()!.amr, ['pwd', 'otp', 'mfa']);
  });

  it('switching to another user on the register works and names the new user (S9)', async () => {
    const agent = new Agent();
    const first = await beginSignIn(stack, agent, { login_hint: 'market:' });
    await redeem(first, (await submit(agent, first.page, { username: 'nia', password: PW }, { stopAt: first.redirect })).url);
    const sw = await beginSignIn(stack, agent, { prompt: 'login' });
    assert.match(textOf(sw.page.body), /Switching user/i);
    const done = await submit(agent, sw.page, { username: 'ola', password: PW }, { stopAt: sw.redirect });
    const tokens = await redeem(sw, done.url);
    const ola = await stack.services.users.byUsername(storeId, 'ola');
    assert.equal(tokens.claims()!.sub, ola!.id);
  });

  it('a remembered device never skips the code while the user must enrol again (checklist 39, 50; S10)', async () => {
    const agent = new Agent();
    const { flow, page } = await toCodeStep(agent);
    await redeem(flow, (await submit(agent, page, { code: await app.code(), remember: '1' }, { stopAt: flow.redirect })).url);
    const max = await stack.services.users.byUsername(storeId, 'max');
    // as after a recovery-code sign-in whose re-enrolment was abandoned
    await stack.db.models.User.updateOne({ _id: max!.id }, { $set: { 'mfa.mustEnrol': true } });
    agent.forgetSession();
    const again = await beginSignIn(stack, agent, { login_hint: 'market:' });
    const next = await submit(agent, again.page, { username: 'max', password: PW }, { stopAt: again.redirect });
    assert.match(next.body, /name="code"/, 'the code is asked, not the wizard');
    assert.doesNotMatch(next.body, /name="stage"/);
    await stack.db.models.User.updateOne({ _id: max!.id }, { $set: { 'mfa.mustEnrol': false } });
  });

  it('one pending secret confirmed twice at once activates once (double click)', async () => {
    const nia = await stack.services.users.byUsername(storeId, 'nia');
    const pending = stack.services.factors.totp.newPendingSecret();
    const { otpauthUri } = await stack.services.factors.totp.describePending(pending, 'market', 'nia');
    const niaApp = new AuthenticatorApp(new URL(otpauthUri).searchParams.get('secret')!);
    const code = await niaApp.code();
    const grants = [await stack.grant(nia!.id), await stack.grant(nia!.id), await stack.grant(nia!.id)];
    const results = await Promise.all(grants.map((grant) => stack.services.factors.totp.confirmEnrolment(nia!.id, pending, code, { actorId: nia!.id }, grant)));
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.equal(await stack.services.mfa.remainingCodes(nia!.id), 12);
  });

  it('a malformed claims parameter is a clear error, not a 500 (checklist 85)', async () => {
    const agent = new Agent();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: 5 } } });
    const flow = await beginSignIn(stack, agent, { claims });
    assert.ok(flow.page.status < 500, `got ${flow.page.status}`);
  });

  it('a lock-out caused by password failures is announced to the user (B2, B18)', async () => {
    await stack.pastFailures(`acct:${storeId}:ola`, CLOSE_AFTER - 1, 3_600);
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'market:' });
    await submit(agent, flow.page, { username: 'ola', password: 'wrong password here' });
    const ola = await stack.services.users.byUsername(storeId, 'ola');
    assert.ok(stack.notifications.some((n) => n.type === 'account_locked' && n.userId === ola!.id));
  });
});
