// What strict relying-party libraries (go-oidc, authlib, Nimbus) rely on with their default settings: JSON errors from
// the back-channel endpoints whatever the Accept header, prompt=consent and offline_access, absolute refresh lifetime,
// and a broken gzip body answered 400 (checklist 76, 80, 81; RFC 6749 §5.2, RFC 6750 §3, OIDC Core §3.1.2.1, §11).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { Agent } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PW = 'strict client passphrase 7';
// what java.net.HttpURLConnection sends when the caller sets nothing (Nimbus's default HTTP client)
const JAVA_ACCEPT = 'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2';
const CLIENT = { id: 'demo-pos', secret: 'demo-pos-secret-change-me-in-production' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('strict relying parties (checklist 76, 80, 81)', () => {
  let stack: Stack;
  let endpoints: Record<string, string>;

  before(async () => {
    stack = await startStack();
    const storeId = await stack.createStore('deli');
    await stack.createUser(storeId, 'noor', 'cashier', PW);
    endpoints = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  });
  after(() => stack.close());

  async function signIn(agent: Agent, params: Record<string, string> = {}) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'deli:', ...params });
    const done = await submit(agent, flow.page, { username: 'noor', password: PW }, { stopAt: flow.redirect });
    return { flow, tokens: await redeem(flow, done.url) };
  }

  const post = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { accept: JAVA_ACCEPT, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });

  async function assertJsonError(res: Response, status: number, error: string) {
    const text = await res.text();
    assert.equal(res.status, status, text.slice(0, 200));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, text.slice(0, 200));
    assert.equal((JSON.parse(text) as { error?: string }).error, error);
  }

  describe('errors are JSON whatever the Accept header (RFC 6749 §5.2, RFC 6750 §3)', () => {
    it('token endpoint: bad client credentials give 401 invalid_client as JSON to Java\'s default Accept', async () => {
      const res = await post(endpoints.token_endpoint!, { grant_type: 'authorization_code', code: 'x', redirect_uri: `${stack.demoUrl}/callback`, code_verifier: 'x'.repeat(43) }, { authorization: basic(CLIENT.id, 'wrong secret') });
      await assertJsonError(res, 401, 'invalid_client');
    });

    it('token endpoint: a bad grant gives 400 invalid_grant as JSON to Java\'s default Accept (checklist 80)', async () => {
      const res = await post(endpoints.token_endpoint!, { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: `${stack.demoUrl}/callback`, code_verifier: 'x'.repeat(43) }, { authorization: basic(CLIENT.id, CLIENT.secret) });
      await assertJsonError(res, 400, 'invalid_grant');
    });

    it('introspection endpoint: bad client credentials give 401 invalid_client as JSON', async () => {
      const res = await post(endpoints.introspection_endpoint!, { token: 'anything' }, { authorization: basic(CLIENT.id, 'wrong secret') });
      await assertJsonError(res, 401, 'invalid_client');
    });

    it('revocation endpoint: bad client credentials give 401 invalid_client as JSON', async () => {
      const res = await post(endpoints.revocation_endpoint!, { token: 'anything' }, { authorization: basic(CLIENT.id, 'wrong secret') });
      await assertJsonError(res, 401, 'invalid_client');
    });

    it('userinfo endpoint: a bad token gives 401 invalid_token as JSON with a WWW-Authenticate challenge', async () => {
      const res = await fetch(endpoints.userinfo_endpoint!, { headers: { accept: JAVA_ACCEPT, authorization: 'Bearer not-a-token' } });
      const challenge = res.headers.get('www-authenticate') ?? '';
      await assertJsonError(res, 401, 'invalid_token');
      assert.match(challenge, /^Bearer /);
      assert.match(challenge, /error="invalid_token"/);
    });
  });

  describe('consent is recorded without a page; offline_access is granted as asked (OIDC Core §3.1.2.1, §11)', () => {
    it('prompt=consent with a live session ends at the callback with a code, without asking the password', async () => {
      const agent = new Agent();
      await signIn(agent);
      const again = await beginSignIn(stack, agent, { prompt: 'consent' });
      assert.ok(again.page.url.startsWith(again.redirect), `ended at ${again.page.url}: ${again.page.body.slice(0, 300)}`);
      const tokens = await redeem(again, again.page.url);
      assert.equal(tokens.claims()!.sub.length > 0, true);
    });

    it('prompt=consent without a session asks the password once, then ends at the callback with a code', async () => {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'deli:', prompt: 'consent' });
      const done = await submit(agent, flow.page, { username: 'noor', password: PW }, { stopAt: flow.redirect });
      assert.ok(done.url.startsWith(flow.redirect), `ended at ${done.url}: ${done.body.slice(0, 300)}`);
      assert.ok((await redeem(flow, done.url)).access_token);
    });

    it('scope=openid offline_access: the granted scope says offline_access, and a refresh naming it works (checklist 81)', async () => {
      const { flow, tokens } = await signIn(new Agent(), { scope: 'openid offline_access' });
      assert.ok(tokens.refresh_token, 'a refresh token');
      assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(['openid', 'offline_access']));
      // authlib refreshes with the scope it asked for
      const refreshed = await oidc.refreshTokenGrant(flow.config, tokens.refresh_token, { scope: 'openid offline_access' });
      assert.ok(refreshed.access_token);
      assert.ok(refreshed.refresh_token);
      assert.deepEqual(new Set(refreshed.scope?.split(' ')), new Set(['openid', 'offline_access']));
    });

    it('offline_access asked with a live session is granted too', async () => {
      const agent = new Agent();
      await signIn(agent);
      const again = await beginSignIn(stack, agent, { scope: 'openid offline_access' });
      assert.ok(again.page.url.startsWith(again.redirect));
      const tokens = await redeem(again, again.page.url);
      assert.ok(tokens.refresh_token);
      assert.ok(tokens.scope?.split(' ').includes('offline_access'));
    });

    it('offline_access in a pushed authorization request (PAR) is granted too', async () => {
      const agent = new Agent();
      const config = await stack.client();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const redirect = `${stack.demoUrl}/callback`;
      const url = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: redirect,
        scope: 'openid offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        login_hint: 'deli:',
      });
      const page = await agent.follow(url.href, { stopAt: redirect });
      const done = await submit(agent, page, { username: 'noor', password: PW }, { stopAt: redirect });
      const tokens = await redeem({ config, verifier, state }, done.url);
      assert.ok(tokens.refresh_token);
      assert.ok(tokens.scope?.split(' ').includes('offline_access'), String(tokens.scope));
    });

    it('a client without the refresh_token grant is not granted offline_access', async () => {
      const agent = new Agent();
      const client = await oidc.discovery(new URL(stack.issuer), 'account-console', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const flow = await beginSignIn(stack, agent, { login_hint: 'deli:', scope: 'openid offline_access', redirect_uri: `${stack.issuer}/account/callback` }, client);
      const done = await submit(agent, flow.page, { username: 'noor', password: PW }, { stopAt: flow.redirect });
      const tokens = await redeem(flow, done.url);
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.scope, 'openid');
    });
  });

  it('a rotated refresh token expires when the first of its chain does: rotation never extends it (checklist 81)', async () => {
    const { flow, tokens } = await signIn(new Agent());
    const first = tokens.refresh_token!;
    // the first token as if it had been issued an hour ago
    const id = `RefreshToken:${first}`;
    const doc = await stack.db.models.OidcPayload.findById(id).lean();
    assert.ok(doc, 'the stored refresh token');
    const payload = JSON.parse(String(doc.payload)) as Record<string, number>;
    for (const key of ['iat', 'iiat', 'exp'] as const) payload[key] = Number(payload[key]) - 3600;
    await stack.db.models.OidcPayload.updateOne({ _id: id }, { $set: { payload: JSON.stringify(payload), expiresAt: new Date(payload.exp! * 1000) } });
    const before = await oidc.tokenIntrospection(flow.config, first);
    assert.equal(before.active, true);
    assert.equal(before.exp, payload.exp);

    const rotated = await oidc.refreshTokenGrant(flow.config, first);
    assert.ok(rotated.refresh_token && rotated.refresh_token !== first, 'rotated');
    const after = await oidc.tokenIntrospection(flow.config, rotated.refresh_token);
    assert.equal(after.active, true);
    assert.equal(after.exp, before.exp, 'same absolute expiry as the first token of the chain');
    const again = await oidc.refreshTokenGrant(flow.config, rotated.refresh_token);
    assert.equal((await oidc.tokenIntrospection(flow.config, again.refresh_token!)).exp, before.exp);
  });

  describe('a body that says gzip but is not gzip is a 400, not a 500', () => {
    const notGzip = Buffer.from('store=deli&csrf=x, definitely not gzip');

    it('our form routes answer 400 with the translated error page', async () => {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent);
      const action = new URL(/action="([^"]+)"/.exec(flow.page.body)?.[1] ?? '', flow.page.url).href;
      const res = await fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', accept: 'text/html', cookie: `_interaction=${agent.cookie('_interaction') ?? ''}` },
        body: notGzip,
      });
      const text = await res.text();
      assert.equal(res.status, 400, text.slice(0, 200));
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(text, /<html/);
      const nl = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', 'accept-language': 'nl' }, body: notGzip });
      assert.equal(nl.status, 400);
      assert.match(await nl.text(), /lang="nl"/);
    });

    it('our form routes answer 400 JSON to a caller that asks for JSON', async () => {
      const res = await fetch(`${stack.issuer}/admin/api/users`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', accept: 'application/json' }, body: notGzip });
      await assertJsonError(res, 400, 'invalid_request');
    });

    it("oidc-provider's token endpoint answers 400 invalid_request as JSON, and never reads the bytes as a plain form", async () => {
      // oidc-provider ignores Content-Encoding: this body used to be parsed as if it were plain (invalid_grant)
      const res = await fetch(endpoints.token_endpoint!, {
        method: 'POST',
        headers: { accept: JAVA_ACCEPT, 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', authorization: basic(CLIENT.id, CLIENT.secret) },
        body: Buffer.from('grant_type=refresh_token&refresh_token=not-gzip'),
      });
      await assertJsonError(res, 400, 'invalid_request');
      const real = await fetch(endpoints.token_endpoint!, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', authorization: basic(CLIENT.id, CLIENT.secret) },
        body: gzipSync('grant_type=refresh_token&refresh_token=x'),
      });
      await assertJsonError(real, 400, 'invalid_request');
    });
  });
});
