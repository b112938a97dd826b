// What the OpenID Foundation's conformance suite found (issue 21 items 1-4): PKCE as a per-client choice for
// confidential clients, POST at the authorization and end-session endpoints, the profile claims at userinfo, and a
// discovery document held against what the endpoints accept. Real HTTP against the real provider.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { clientsFileWith } from '../helpers/clients-file.js';
import { ACR } from '../../src/provider/acr.js';
import { MAX_FORM_BYTES } from '../../src/provider/post-endpoints.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PW = 'deli counter passphrase 7';
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256-0123456789';
const RP = 'http://localhost:1/rp/callback';

type Discovery = Record<string, unknown> & { claims_supported: string[]; token_endpoint_auth_methods_supported: string[] };

describe('a certifiable OpenID Provider (issue 21 items 1-4)', () => {
  let stack: Stack;
  let storeId: string;
  let noorId: string;
  let maraApp: AuthenticatorApp;
  let privateKey: CryptoKey;
  let discovery: Discovery;

  const rpClient = (id: string, auth: string, extra: Record<string, unknown> = {}) => ({
    client_id: id,
    client_name: `Relying party ${id}`,
    token_endpoint_auth_method: auth,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [RP],
    post_logout_redirect_uris: ['http://localhost:1/rp/'],
    ...extra,
  });

  before(async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    privateKey = pair.privateKey;
    const publicJwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), use: 'sig', alg: 'ES256', kid: 'rp-key' };
    const clientsFile = await clientsFileWith([
      // the conformance suite's clients send no PKCE (static clients, client_secret_basic and client_secret_post)
      rpClient('rp-basic', 'client_secret_basic', { client_secret: SECRET, require_pkce: false }),
      rpClient('rp-post', 'client_secret_post', { client_secret: SECRET, require_pkce: false }),
      rpClient('rp-jwt', 'client_secret_jwt', { client_secret: SECRET }),
      rpClient('rp-private-key', 'private_key_jwt', { jwks: { keys: [publicJwk] } }),
    ]);
    stack = await startStack({ CLIENTS_FILE: clientsFile });
    storeId = await stack.createStore('deli');
    noorId = await stack.createUser(storeId, 'noor', 'cashier', PW);
    const maraId = await stack.createUser(storeId, 'mara', 'manager', PW);
    maraApp = await stack.enrol(maraId, 'deli', 'mara');
    discovery = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  });
  after(() => stack?.close());

  const rp = (id: string, auth: oidc.ClientAuth, metadata?: Partial<oidc.ClientMetadata>) =>
    oidc.discovery(new URL(stack.issuer), id, metadata, auth, { execute: [oidc.allowInsecureRequests] });
  const authOf: Record<string, () => Promise<oidc.Configuration>> = {
    client_secret_basic: () => rp('rp-basic', oidc.ClientSecretBasic(SECRET)),
    client_secret_post: () => rp('rp-post', oidc.ClientSecretPost(SECRET)),
    client_secret_jwt: () => rp('rp-jwt', oidc.ClientSecretJwt(SECRET)),
    private_key_jwt: () => rp('rp-private-key', oidc.PrivateKeyJwt({ key: privateKey, kid: 'rp-key' })),
    none: () => rp('pos-tablet', oidc.None()),
  };
  const redirectOf = (config: oidc.Configuration) =>
    ({ 'pos-tablet': 'http://127.0.0.1/callback', 'demo-pos': `${stack.demoUrl}/callback` })[config.clientMetadata().client_id] ?? RP;

  // An authorization request of `config`'s client (PKCE unless told otherwise), signing noor in when asked.
  async function codeFlow(agent: Agent, config: oidc.Configuration, opts: { pkce?: boolean; params?: Record<string, string> } = {}) {
    const redirect = redirectOf(config);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const pkce: Record<string, string> = opts.pkce === false ? {} : { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid profile email store', state, login_hint: 'deli:', ...pkce, ...opts.params });
    let page = await agent.follow(url.href, { stopAt: redirect });
    if (!page.url.startsWith(redirect) && /name="password"/.test(page.body)) page = await submit(agent, page, { username: 'noor', password: PW }, { stopAt: redirect });
    return { page, verifier, state, url };
  }

  const errorOf = (res: { headers: Headers; body: string }) => {
    const location = res.headers.get('location');
    return location ? Object.fromEntries(new URL(location).searchParams) : { body: textOf(res.body) };
  };

  describe('PKCE per client (item 1; RFC 9700 §2.1.1; checklist 79)', () => {
    it('a confidential client registered with require_pkce: false signs in without PKCE, as the conformance suite does', async () => {
      for (const method of ['client_secret_basic', 'client_secret_post']) {
        const config = await authOf[method]!();
        const flow = await codeFlow(new Agent(), config, { pkce: false });
        assert.ok(flow.page.url.startsWith(RP), `${method}: ${flow.page.url}`);
        const tokens = await oidc.authorizationCodeGrant(config, new URL(flow.page.url), { expectedState: flow.state });
        assert.equal(tokens.claims()?.sub, noorId);
      }
    });

    it('that client cannot send a verifier without a challenge, nor leave the verifier out after a challenge (no downgrade)', async () => {
      const config = await authOf.client_secret_basic!();
      const agent = new Agent();
      const without = await codeFlow(agent, config, { pkce: false });
      await assert.rejects(
        oidc.authorizationCodeGrant(config, new URL(without.page.url), { expectedState: without.state, pkceCodeVerifier: oidc.randomPKCECodeVerifier() }),
        (err: oidc.ResponseBodyError) => err.error === 'invalid_grant',
      );
      const withChallenge = await codeFlow(agent, config);
      await assert.rejects(oidc.authorizationCodeGrant(config, new URL(withChallenge.page.url), { expectedState: withChallenge.state }), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
    });

    it('every other client must use PKCE: confidential by default, public and native always', async () => {
      for (const client of [await stack.client(), await authOf.client_secret_jwt!(), await authOf.none!()]) {
        const redirect = redirectOf(client);
        const url = oidc.buildAuthorizationUrl(client, { redirect_uri: redirect, scope: 'openid', state: 'x' });
        const res = await new Agent().request(url.href);
        const error = errorOf(res);
        assert.equal(error.error, 'invalid_request', `${client.clientMetadata().client_id}: ${JSON.stringify(error)}`);
        assert.match(String(error.error_description), /requires PKCE/);
      }
    });

    it('a registry that turns PKCE off for a public or a native client does not start', async () => {
      for (const bad of [
        { client_id: 'bad-public', token_endpoint_auth_method: 'none', require_pkce: false, redirect_uris: [RP], response_types: ['code'], grant_types: ['authorization_code'] },
        { client_id: 'bad-native', application_type: 'native', client_secret: SECRET, require_pkce: false, redirect_uris: ['http://127.0.0.1/cb'], response_types: ['code'], grant_types: ['authorization_code'] },
      ]) {
        await assert.rejects(startStack({ CLIENTS_FILE: await clientsFileWith([bad]) }), new RegExp(`client "${bad.client_id}": .*require_pkce`));
      }
    });
  });

  describe('POST at the authorization and end-session endpoints (item 2; OIDC Core §3.1.2.1, RP-Initiated Logout §2)', () => {
    const postForm = (agent: Agent, path: string, form: Record<string, string>) => agent.request(new URL(path, stack.issuer).href, { form });

    it('a form POST to /auth is answered like its GET, and a live session signs in without a password', async () => {
      const agent = new Agent();
      const config = await stack.client();
      const first = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      await redeem(first, (await submit(agent, first.page, { username: 'noor', password: PW }, { stopAt: first.redirect })).url);

      const verifier = oidc.randomPKCECodeVerifier();
      const params = {
        client_id: 'demo-pos',
        response_type: 'code',
        scope: 'openid profile',
        redirect_uri: `${stack.demoUrl}/callback`,
        state: 'posted-state',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      };
      const posted = await postForm(agent, '/auth', params);
      assert.equal(posted.status, 303);
      const location = new URL(posted.headers.get('location')!, stack.issuer);
      assert.equal(location.pathname, '/auth');
      assert.deepEqual(Object.fromEntries(location.searchParams), params);
      const done = await agent.follow(location.href, { stopAt: `${stack.demoUrl}/callback` });
      assert.ok(done.url.startsWith(`${stack.demoUrl}/callback`), done.url);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: 'posted-state' });
      assert.equal(tokens.claims()?.sub, noorId);
    });

    it('a form POST to /session/end asks as its GET does', async () => {
      const agent = new Agent();
      const first = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      await redeem(first, (await submit(agent, first.page, { username: 'noor', password: PW }, { stopAt: first.redirect })).url);
      const posted = await postForm(agent, '/session/end', { client_id: 'demo-pos' });
      assert.equal(posted.status, 303);
      const page = await agent.follow(new URL(posted.headers.get('location')!, stack.issuer).href);
      assert.equal(page.status, 200);
      assert.match(textOf(page.body), /Do you want to sign out of Demo POS\?/);
    });

    it('a POST that is not a form, or too large for the URL that follows, gets a translated page and nothing else', async () => {
      const json = await new Agent().request(`${stack.issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' } });
      assert.equal(json.status, 400);
      assert.equal(json.headers.get('location'), null);
      const big = await postForm(new Agent({ accept: 'text/html', 'accept-language': 'nl' }), '/auth', { client_id: 'demo-pos', claims: 'x'.repeat(MAX_FORM_BYTES) });
      assert.equal(big.status, 413);
      assert.match(textOf(big.body), /te groot om als formulier/);
    });
  });

  describe('userinfo (item 3; OIDC Core §5.3, §5.4)', () => {
    it('returns the standard claims the product knows: name, username, locale, the store\'s time zone, when the user last changed', async () => {
      const agent = new Agent({ 'accept-language': 'nl' });
      const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      const tokens = await redeem(flow, (await submit(agent, flow.page, { username: 'noor', password: PW }, { stopAt: flow.redirect })).url);
      const info = await oidc.fetchUserInfo(flow.config, tokens.access_token, noorId);
      const user = await stack.db.models.User.findById(noorId).lean();
      assert.equal(info.name, 'noor name');
      assert.equal(info.preferred_username, 'noor');
      assert.equal(info.locale, 'nl', 'the person\'s language, by the rule their emails follow: here the Dutch store\'s');
      assert.equal(info.zoneinfo, 'Europe/Amsterdam', 'the store is in NL');
      assert.equal(info.updated_at, Math.floor(user!.updatedAt.getTime() / 1000));
      assert.equal(info.email, 'noor@example.test');
      assert.equal(info.store, 'deli');
      for (const claim of Object.keys(info)) assert.ok(discovery.claims_supported.includes(claim), `${claim} is listed in claims_supported`);
    });
  });

  describe('discovery says what is true (item 4)', () => {
    it('every client authentication it lists works at the token, introspection and revocation endpoints', async () => {
      for (const field of ['token_endpoint_auth_methods_supported', 'introspection_endpoint_auth_methods_supported', 'revocation_endpoint_auth_methods_supported']) {
        assert.deepEqual([...(discovery[field] as string[])].sort(), Object.keys(authOf).sort(), field);
      }
      const agent = new Agent();
      for (const [method, make] of Object.entries(authOf)) {
        const config = await make();
        const flow = await codeFlow(agent, config);
        const tokens = await oidc.authorizationCodeGrant(config, new URL(flow.page.url), { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
        assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true, `${method}: introspection`);
        assert.ok(tokens.refresh_token, method);
        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
        await oidc.tokenRevocation(config, refreshed.refresh_token!);
        assert.equal((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active, false, `${method}: revoked`);
      }
    });

    it('request_uri: the PAR endpoint\'s values work, and no other value does', async () => {
      assert.equal(discovery.request_uri_parameter_supported, true);
      assert.equal(discovery.require_request_uri_registration, true);
      assert.ok(discovery.pushed_authorization_request_endpoint);
      const config = await authOf.client_secret_post!();
      const verifier = oidc.randomPKCECodeVerifier();
      const pushed = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: RP,
        scope: 'openid',
        state: 'par-state',
        login_hint: 'deli:',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      assert.match(pushed.searchParams.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:/);
      const agent = new Agent();
      const page = await agent.follow(pushed.href, { stopAt: RP });
      const done = await submit(agent, page, { username: 'noor', password: PW }, { stopAt: RP });
      await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: 'par-state' });

      const byReference = new URL('/auth', stack.issuer);
      byReference.search = new URLSearchParams({ client_id: 'rp-post', request_uri: 'https://rp.example/requests/1', response_type: 'code', redirect_uri: RP, scope: 'openid' }).toString();
      const refused = errorOf(await new Agent().request(byReference.href));
      assert.match(String(refused.error ?? refused.body), /invalid_request_uri|request_uri_not_supported|invalid_request/);
    });

    it('the request parameter is not offered, and a request object is refused', async () => {
      assert.equal(discovery.request_parameter_supported, undefined, 'absent means false (OIDC Discovery §3)');
      const url = new URL('/auth', stack.issuer);
      url.search = new URLSearchParams({ client_id: 'rp-post', request: 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.', response_type: 'code', redirect_uri: RP, scope: 'openid' }).toString();
      assert.equal(errorOf(await new Agent().request(url.href)).error, 'request_not_supported');
    });

    it('claims_supported lists the user\'s claims, not the protocol\'s sid and iss, and every claim a sign-in gives is listed', async () => {
      assert.ok(!discovery.claims_supported.includes('sid'));
      assert.ok(!discovery.claims_supported.includes('iss'));
      for (const claim of ['sub', 'acr', 'amr', 'auth_time', 'name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at', 'email', 'email_verified', 'store', 'store_name', 'role']) {
        assert.ok(discovery.claims_supported.includes(claim), claim);
      }
      const config = await authOf.client_secret_basic!();
      const flow = await codeFlow(new Agent(), config, { params: { claims: JSON.stringify({ id_token: { email: null, name: null, zoneinfo: null, updated_at: null } }) } });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(flow.page.url), { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      const protocol = new Set(['iss', 'aud', 'exp', 'iat', 'nonce', 'at_hash', 'c_hash', 's_hash', 'sid', 'azp', 'jti']);
      for (const claim of Object.keys(tokens.claims()!)) if (!protocol.has(claim)) assert.ok(discovery.claims_supported.includes(claim), claim);
      assert.equal(tokens.claims()?.zoneinfo, 'Europe/Amsterdam', 'the claims parameter (claims_parameter_supported) is honoured');
    });

    it('each response mode it lists returns the code that way: query, fragment, form_post', async () => {
      assert.deepEqual([...(discovery.response_modes_supported as string[])].sort(), ['form_post', 'fragment', 'query']);
      const config = await authOf.client_secret_basic!();
      const agent = new Agent();
      await codeFlow(agent, config);
      for (const mode of ['query', 'fragment', 'form_post']) {
        const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP, scope: 'openid', state: `s-${mode}`, response_mode: mode, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
        let res = await agent.request(url.href);
        while (res.status === 303 || res.status === 302) {
          const next = new URL(res.headers.get('location')!, url).href;
          if (next.startsWith(RP)) break;
          res = await agent.request(next);
        }
        if (mode === 'form_post') {
          const form = formOf(res.body);
          assert.equal(form.action, RP);
          assert.ok(form.fields.code && form.fields.state === 's-form_post');
        } else {
          const location = new URL(res.headers.get('location')!);
          const params = new URLSearchParams(mode === 'query' ? location.search : location.hash.slice(1));
          assert.ok(params.get('code'), mode);
          assert.equal(params.get('state'), `s-${mode}`);
        }
      }
    });

    it('ui_locales_supported: en and nl, and nl gives Dutch pages', async () => {
      assert.deepEqual(discovery.ui_locales_supported, ['en', 'nl']);
      const flow = await beginSignIn(stack, new Agent(), { login_hint: 'deli:', ui_locales: 'nl' });
      assert.equal(/<html lang="([a-z]+)"/.exec(flow.page.body)?.[1], 'nl');
    });

    it('prompt=none names what is missing: a passkey for a client that demands one, over an MFA session', async () => {
      const agent = new Agent();
      const first = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      const code = await submit(agent, first.page, { username: 'mara', password: PW }, { stopAt: first.redirect });
      const tokens = await redeem(first, (await submit(agent, code, { code: await maraApp.code() }, { stopAt: first.redirect })).url);
      assert.equal(tokens.claims()?.acr, ACR.mfa);
      const payouts = await stack.client('payouts-portal', 'payouts-portal-secret-change-me-in-production');
      const redirect = `${stack.demoUrl}/partner/callback`;
      const url = oidc.buildAuthorizationUrl(payouts, { redirect_uri: redirect, scope: 'openid', state: 'none', prompt: 'none', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const res = await agent.follow(url.href, { stopAt: redirect });
      const error = Object.fromEntries(new URL(res.url).searchParams);
      assert.equal(error.error, 'interaction_required');
      assert.match(error.error_description ?? '', /passkey/);
      assert.doesNotMatch(error.error_description ?? '', /multi-factor/);
    });

    it('a sign-out link that is not valid says so, not that a sign-in link is not valid', async () => {
      for (const [language, expected] of [
        ['en', /This sign-out link is not valid/],
        ['nl', /Deze uitloglink is niet geldig/],
      ] as const) {
        const res = await new Agent({ accept: 'text/html', 'accept-language': language }).request(`${stack.issuer}/session/end?id_token_hint=not-a-token`);
        assert.equal(res.status, 400);
        assert.match(textOf(res.body), expected);
        assert.doesNotMatch(textOf(res.body), /sign-in link|inloglink/);
      }
    });
  });
});
