// What a half-finished sign-in may reach, and the provider session's identifier (checklist 26, 55), over real HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { enrolOnClock, testClock, type ClockedApp } from '../helpers/clocked-app.js';
import { ACR } from '../../src/provider/acr.js';

const PW = 'partial session passphrase';

describe('partial sign-ins and session identifiers (checklist 26, 55)', () => {
  let stack: Stack;
  let app: ClockedApp;
  const clock = testClock();

  before(async () => {
    stack = await startStack({}, { clock: clock.now });
    const storeId = await stack.createStore('pier');
    const id = await stack.createUser(storeId, 'rosa', 'manager', PW);
    await stack.createUser(storeId, 'tim', 'cashier', PW);
    app = await enrolOnClock(stack, clock, id, 'pier', 'rosa');
  });
  after(() => stack.close());

  it('checklist 26: after the password alone an MFA user has no session: no account page, no authorization code, nothing for /token', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'pier:' });
    const codePage = await submit(agent, flow.page, { username: 'rosa', password: PW }, { stopAt: flow.redirect });
    assert.match(codePage.body, /name="code"/);
    assert.equal(agent.cookie('_session'), undefined, 'no provider session yet');
    const account = await agent.request(`${stack.issuer}/account`);
    assert.equal(account.status, 302);
    assert.match(account.headers.get('location') ?? '', /\/account\/login/);
    // a second authorization request in the same browser is not signed in either
    const another = await beginSignIn(stack, agent);
    assert.ok(!another.page.url.startsWith(another.redirect), 'no code for the client');
    assert.match(another.page.body, /name="store"|name="username"|name="password"/);
    // and the half-done interaction gives no code until the second factor
    const resumed = await agent.follow(new URL(codePage.url).href, { stopAt: flow.redirect });
    assert.ok(!resumed.url.startsWith(flow.redirect));
    assert.equal(await stack.db.models.OidcPayload.countDocuments({ model: 'AuthorizationCode' }), 0);
  });

  it('checklist 55: the session identifier has at least 128 random bits and changes at every sign-in, at a step-up with the code, and when another user signs in; a planted one is never kept', async () => {
    const agent = new Agent();
    // a cookie the attacker set before the victim signs in (session fixation)
    agent.setCookie('_session', 'planted-by-someone-else-aaaaaaaaaaaaaaaaaaaaaa');
    const seen: string[] = [];
    const flow = await beginSignIn(stack, agent, { login_hint: 'pier:' });
    const done = await submit(agent, flow.page, { username: 'tim', password: PW }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    seen.push(agent.cookie('_session') ?? '');
    assert.match(seen[0]!, /^[\w-]{22,}$/, `base64url, at least 128 bits: ${seen[0]!.length} characters`);
    assert.notEqual(seen[0], 'planted-by-someone-else-aaaaaaaaaaaaaaaaaaaaaa');

    // another user on the same browser (prompt=login): a new identifier
    const switched = await beginSignIn(stack, agent, { prompt: 'login' });
    const code = await submit(agent, switched.page, { username: 'rosa', password: PW }, { stopAt: switched.redirect });
    await redeem(switched, (await submit(agent, code, { code: app.code() }, { stopAt: switched.redirect })).url);
    seen.push(agent.cookie('_session') ?? '');

    // a password-only session of rosa, then the code for a client that asks for MFA (step-up)
    const pwdOnly = new Agent();
    const first = await beginSignIn(stack, pwdOnly, { login_hint: 'pier:' });
    const firstCode = await submit(pwdOnly, first.page, { username: 'rosa', password: PW }, { stopAt: first.redirect });
    await redeem(first, (await submit(pwdOnly, firstCode, { code: app.code(), remember: '1' }, { stopAt: first.redirect })).url);
    pwdOnly.forgetSession();
    const ordinary = await beginSignIn(stack, pwdOnly, { login_hint: 'pier:' });
    const tokens = await redeem(ordinary, (await submit(pwdOnly, ordinary.page, { username: 'rosa', password: PW }, { stopAt: ordinary.redirect })).url);
    assert.equal(tokens.claims()!.acr, ACR.pwd);
    const beforeStepUp = pwdOnly.cookie('_session') ?? '';
    const stepUp = await beginSignIn(stack, pwdOnly, { acr_values: ACR.mfa });
    assert.match(stepUp.page.body, /name="code"/);
    await redeem(stepUp, (await submit(pwdOnly, stepUp.page, { code: app.code() }, { stopAt: stepUp.redirect })).url);
    seen.push(beforeStepUp, pwdOnly.cookie('_session') ?? '');

    assert.equal(new Set(seen).size, seen.length, `every identifier is new: ${seen.map((s) => s.slice(0, 6)).join(', ')}`);
  });
});
