// A shared register never re-admits the last user (B26, issue 21 item 6; checklist 56): signing out with a valid
// id_token_hint of this session ends it without a question; the demo POS always sends it and, after a sign-out, asks
// who signs in; "Sign in as someone else" on the admin console's refusal leads back to a sign-in.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import pino from 'pino';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PW = 'register passphrase 44';

describe('signing out on a shared register (B26, issue 21 item 6)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let miaApp: AuthenticatorApp;
  let maxApp: AuthenticatorApp;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('corner');
    await stack.createUser(storeId, 'sam', 'cashier', PW);
    await stack.createUser(storeId, 'lee', 'cashier', PW);
    const miaId = await stack.createUser(storeId, 'mia', 'manager', PW);
    miaApp = await stack.enrol(miaId, 'corner', 'mia');
    maxApp = await stack.enrol(await stack.createUser(storeId, 'max', 'manager', PW), 'corner', 'max');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  async function signIn(agent: Agent, username = 'sam', client?: oidc.Configuration) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' }, client);
    if (flow.page.url.startsWith(flow.redirect)) return redeem(flow, flow.page.url);
    let page = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    if (/name="code"/.test(page.body)) page = await submit(agent, page, { code: await miaApp.code() }, { stopAt: flow.redirect });
    return redeem(flow, page.url);
  }
  const endSession = async (agent: Agent, params: Record<string, string>) => {
    const url = new URL('/session/end', stack.issuer);
    url.search = new URLSearchParams(params).toString();
    return agent.request(url.href);
  };
  const asksForPassword = async (agent: Agent) => /name="(store|username|password)"/.test((await beginSignIn(stack, agent, { login_hint: 'corner:' })).page.body);

  it('a valid id_token_hint of this session ends it without a question, back at the client with its state (checklist 56)', async () => {
    const agent = new Agent();
    const tokens = await signIn(agent);
    const oldCookie = agent.cookie('_session');
    const page = await endSession(agent, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${demoUrl}/`, state: 'bye' });
    assert.equal(page.status, 200);
    assert.doesNotMatch(textOf(page.body), /Do you want to sign out/);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    const form = formOf(page.body, 'data-auto-submit');
    assert.equal(new URL(form.action).pathname, '/session/end/confirm');
    assert.equal(form.fields.logout, 'yes');
    const done = await agent.request(new URL(form.action, stack.issuer).href, { form: form.fields });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `${demoUrl}/?state=bye`);
    assert.equal(await asksForPassword(agent), true, 'the next sign-in asks');
    // the grant ends with the session: the refresh token the register held is refused (tokens belong to their grant)
    assert.ok(tokens.refresh_token, 'the register was given a refresh token');
    await assert.rejects(oidc.refreshTokenGrant(await stack.client(), tokens.refresh_token), { error: 'invalid_grant' });
    // the old cookie is worth nothing on the server either
    const replay = new Agent();
    replay.setCookie('_session', oldCookie);
    assert.equal(await asksForPassword(replay), true);
  });

  it('a hint that is not of this session gets the question: an earlier session\'s, another user\'s, another client\'s', async () => {
    const agent = new Agent();
    const earlier = await signIn(agent);
    await agent.follow(oidc.buildEndSessionUrl(await stack.client(), { id_token_hint: earlier.id_token!, post_logout_redirect_uri: `${demoUrl}/` }).href, { stopAt: `${demoUrl}/` });
    await signIn(agent);
    const stale = await endSession(agent, { id_token_hint: earlier.id_token! });
    assert.match(textOf(stale.body), /Do you want to sign out of Demo POS\?/, 'an ID token of the session before');

    const other = await signIn(new Agent(), 'lee');
    assert.match(textOf((await endSession(agent, { id_token_hint: other.id_token! })).body), /Do you want to sign out/, 'another user\'s');

    const partner = await stack.client('xero-connector', 'xero-connector-secret-change-me-in-production');
    const partnerAgent = new Agent();
    const partnerTokens = await (async () => {
      const flow = await beginSignIn(stack, partnerAgent, { login_hint: 'corner:', redirect_uri: `${demoUrl}/partner/callback` }, partner);
      const code = await submit(partnerAgent, flow.page, { username: 'mia', password: PW }, { stopAt: flow.redirect });
      return redeem(flow, (await submit(partnerAgent, code, { code: await miaApp.code() }, { stopAt: flow.redirect })).url);
    })();
    // the same user, signed in to the partner only, is shown a Demo POS hint of another session: the question
    const miaPos = await signIn(new Agent(), 'mia');
    assert.match(textOf((await endSession(partnerAgent, { id_token_hint: miaPos.id_token! })).body), /Do you want to sign out/, 'a client this session never signed in to');
    assert.ok(partnerTokens.id_token);
    assert.match(textOf((await endSession(agent, {})).body), /Do you want to sign out\?/, 'no hint at all');
  });

  it('the demo register: "Sign out" ends the provider session without a page, and "Sign in" then asks who', async () => {
    const agent = new Agent();
    const start = await agent.follow(`${demoUrl}/login`);
    const home = await submit(agent, /name="store"/.test(start.body) ? await submit(agent, start, { store: 'corner' }) : start, { username: 'sam', password: PW });
    assert.match(home.body, /id="user-name">sam name</);
    const locked = await agent.follow(`${demoUrl}/logout`);
    assert.ok(locked.url.startsWith(`${demoUrl}/`), locked.url);
    assert.match(locked.body, /href="\/login"/, 'the register is locked');
    const next = await agent.follow(`${demoUrl}/login`);
    assert.ok(next.url.startsWith(stack.issuer), 'the provider asks');
    assert.match(next.body, /name="(store|username)"/);
  });

  it('the demo register asks who signs in after a sign-out even when the provider session is still there', async () => {
    const agent = new Agent();
    const start = await agent.follow(`${demoUrl}/login`);
    await submit(agent, /name="store"/.test(start.body) ? await submit(agent, start, { store: 'corner' }) : start, { username: 'sam', password: PW });
    // the cashier taps "Sign out" and walks away before the provider is reached: the register is locked ...
    const tapped = await agent.request(`${demoUrl}/logout`);
    assert.equal(tapped.status, 302);
    assert.match(tapped.headers.get('location') ?? '', /\/session\/end\?.*id_token_hint=/, 'the demo POS always sends the hint');
    // ... and the next person's "Sign in" gets the password page, not sam's session
    const next = await agent.follow(`${demoUrl}/login`);
    assert.ok(next.url.startsWith(stack.issuer), next.url);
    assert.match(next.body, /name="(store|username|password)"/);
    assert.doesNotMatch(next.body, /id="user-name">sam name</);
  });

  it('"Sign in as someone else" on the admin console\'s refusal signs out and leads to a sign-in, not to "close this window"', async () => {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/admin?store=corner`);
    const code = await submit(agent, start, { username: 'max', password: PW });
    const refused = await submit(agent, code, { code: await maxApp.code() });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /data-reason="role"/);
    const form = formOf(refused.body, '/session/end');
    assert.equal(form.fields.post_logout_redirect_uri, `${stack.issuer}/admin`);
    assert.ok(form.fields.id_token_hint);
    const next = await agent.follow(new URL(form.action, stack.issuer).href, { form: form.fields });
    assert.doesNotMatch(textOf(next.body), /close this window/);
    // the sign-in's first page, answered by the authorization request itself (issue 22)
    assert.ok(next.url.startsWith(`${stack.issuer}/auth?`) || next.url.startsWith(`${stack.issuer}/interaction/`), next.url);
    assert.match(next.body, /name="(store|username|password)"/, 'a sign-in page');
    assert.equal(await asksForPassword(agent), true, 'the manager\'s provider session has ended');
  });
});
