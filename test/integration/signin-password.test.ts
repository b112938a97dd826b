// Password sign-in over real HTTP on the real embedded database: code + PKCE, tokens, userinfo, refresh rotation, logout (issue 2).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { ACR } from '../../src/provider/acr.js';

describe('password sign-in (D3, S8)', () => {
  let stack: Stack;
  let storeId: string;
  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('bakery');
    await stack.createUser(storeId, 'casey', 'cashier', 'correct horse battery');
  });
  after(() => stack.close());

  async function signIn(agent: Agent, params: Record<string, string> = {}) {
    const flow = await beginSignIn(stack, agent, params);
    let page = flow.page;
    if (/name="store"/.test(page.body)) page = await submit(agent, page, { store: 'https://bakery.example-pos.com' });
    page = await submit(agent, page, { username: 'Casey', password: 'correct horse battery' }, { stopAt: flow.redirect });
    return { flow, page };
  }

  it('completes authorization code + PKCE and issues honest tokens (checklist 71, 72)', async () => {
    const agent = new Agent();
    const { flow, page } = await signIn(agent);
    assert.ok(page.url.startsWith(flow.redirect), `expected the callback, got ${page.url}\n${textOf(page.body).slice(0, 300)}`);
    const tokens = await redeem(flow, page.url);
    const claims = tokens.claims()!;
    assert.equal(claims.acr, ACR.pwd);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(typeof claims.auth_time, 'number');
    const info = await oidc.fetchUserInfo(flow.config, tokens.access_token, claims.sub);
    assert.equal(info.preferred_username, 'casey');
    assert.equal(info.role, 'cashier');
    assert.equal(info.store, 'bakery');

    // refresh tokens rotate, and the rotated one is dead (checklist 81)
    assert.ok(tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(flow.config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    await assert.rejects(oidc.refreshTokenGrant(flow.config, tokens.refresh_token!));

    // RP-initiated logout with this session's ID token ends the session without a question (checklist 56, B26;
    // test/integration/register-sign-out.test.ts has the question and the other cases)
    const end = oidc.buildEndSessionUrl(flow.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${stack.demoUrl}/` });
    const done = await agent.follow(end.href, { stopAt: `${stack.demoUrl}/` });
    assert.ok(done.url.startsWith(`${stack.demoUrl}/`));
    const again = await beginSignIn(stack, agent);
    assert.match(again.page.body, /name="store"|name="username"/, 'after logout a new sign-in asks again');
  });

  it('preselects the store from login_hint and serves interaction pages uncached and unframeable (S15, checklist 83)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:casey' });
    assert.match(flow.page.body, /name="username"/);
    assert.match(flow.page.headers.get('cache-control') ?? '', /no-store/);
    assert.match(flow.page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(flow.page.headers.get('x-frame-options'), 'DENY');
  });

  it('shows Dutch when ui_locales asks for it (B8)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { ui_locales: 'nl' });
    assert.match(flow.page.body, /lang="nl"/);
    assert.match(textOf(flow.page.body), /Winkel-URL/i);
  });

  it('an unknown or expired interaction shows a clear page, not a stack trace', async () => {
    const res = await new Agent().request(`${stack.issuer}/interaction/not-a-real-uid`);
    assert.equal(res.status, 400);
    assert.match(textOf(res.body), /took too long/);
    assert.doesNotMatch(res.body, /node_modules|at async/);
  });

  it('an unknown store gives a clear error and no progress', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent);
    const page = await submit(agent, flow.page, { store: 'no-such-store' });
    assert.equal(page.status, 400);
    assert.match(textOf(page.body), /couldn't find that store/i);
    assert.match(page.body, /name="store"/);
  });

  it('a wrong password and an unknown user get the same generic error (checklist 25)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const wrong = await submit(agent, flow.page, { username: 'casey', password: 'wrong password!' });
    const unknown = await submit(agent, wrong, { username: 'nobody', password: 'wrong password!' });
    assert.equal(wrong.status, 400);
    assert.equal(unknown.status, 400);
    const message = /Incorrect username or password/;
    assert.match(textOf(wrong.body), message);
    assert.match(textOf(unknown.body), message);
    const failures = await stack.db.models.AuditEvent.countDocuments({ type: 'signin.password_failed' });
    assert.ok(failures >= 2);
  });

  it('NoSQL operator objects, oversized input and a missing CSRF token are refused (checklist 85, 60)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const page = flow.page;
    const form = /action="([^"]+)"/.exec(page.body)![1]!;
    const action = new URL(form, page.url).href;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;

    const operator = await agent.request(action, { form: { csrf, 'username[$ne]': 'x', 'password[$ne]': 'x' } });
    assert.equal(operator.status, 400);
    assert.match(textOf(operator.body), /check what you entered/i);

    const big = await agent.request(action, { form: { csrf, username: 'casey', password: 'x'.repeat(40_000) } });
    assert.ok(big.status === 413 || big.status === 400, `got ${big.status}`);
    assert.doesNotMatch(big.body, /at \w+ \(|node_modules/);

    const noCsrf = await agent.request(action, { form: { username: 'casey', password: 'correct horse battery' } });
    assert.equal(noCsrf.status, 400);
    assert.match(textOf(noCsrf.body), /form has expired/i);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'signin.success' }), 1, 'only the first test signed in');
  });
});
