// DPoP and PAR on purpose (issue 21 item 5; RFC 9449, RFC 9126): the shipped DPoP client (pos-handheld: a POS app on
// a shared tablet) end to end, with its refresh token useless without the device's key, and a client registration
// that demands pushed authorization requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent } from '../helpers/agent.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';
import { clientsFileWith } from '../helpers/clients-file.js';

const PW = 'handheld passphrase 31';
const REDIRECT = 'http://127.0.0.1/callback';
const RP = 'http://localhost:1/rp/callback';
const SECRET = 'rp-par-secret-long-enough-0123456789';

describe('DPoP and PAR on purpose (issue 21 item 5)', () => {
  let stack: Stack;
  let userId: string;
  let handheld: oidc.Configuration;

  before(async () => {
    const clientsFile = await clientsFileWith([
      {
        client_id: 'rp-par',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [RP],
        require_pushed_authorization_requests: true,
      },
    ]);
    stack = await startStack({ CLIENTS_FILE: clientsFile });
    const storeId = await stack.createStore('kiosk');
    userId = await stack.createUser(storeId, 'rosa', 'cashier', PW);
    handheld = await oidc.discovery(new URL(stack.issuer), 'pos-handheld', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  after(() => stack?.close());

  async function code(agent = new Agent()) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(handheld, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      state,
      login_hint: 'kiosk:',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await agent.follow(url.href, { stopAt: REDIRECT });
    const done = await submit(agent, page, { username: 'rosa', password: PW }, { stopAt: REDIRECT });
    return { url: new URL(done.url), checks: { pkceCodeVerifier: verifier, expectedState: state } };
  }

  const refusal = (error: string, description?: RegExp) => (err: oidc.ResponseBodyError) =>
    err.error === error && (!description || description.test(err.error_description ?? ''));

  it('discovery offers DPoP with ES256 and a PAR endpoint', async () => {
    const discovery = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.ok((discovery.dpop_signing_alg_values_supported as string[]).includes('ES256'));
    assert.equal(discovery.pushed_authorization_request_endpoint, `${stack.issuer}/request`);
  });

  it('a client registered with dpop_bound_access_tokens gets no tokens without a proof, and DPoP-bound tokens with one', async () => {
    const { url, checks } = await code();
    await assert.rejects(oidc.authorizationCodeGrant(handheld, url, checks), refusal('invalid_grant'));
    const device = oidc.getDPoPHandle(handheld, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.authorizationCodeGrant(handheld, url, checks, undefined, { DPoP: device });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.claims()?.sub, userId);
  });

  it('the access token works only with a proof of the same key: as a Bearer token or with another key it is refused', async () => {
    const { url, checks } = await code();
    const device = oidc.getDPoPHandle(handheld, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.authorizationCodeGrant(handheld, url, checks, undefined, { DPoP: device });
    assert.equal((await oidc.fetchUserInfo(handheld, tokens.access_token, userId, { DPoP: device })).sub, userId);
    const bearer = await fetch(`${stack.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(bearer.status, 401);
    const thief = oidc.getDPoPHandle(handheld, await oidc.randomDPoPKeyPair('ES256'));
    await assert.rejects(oidc.fetchUserInfo(handheld, tokens.access_token, userId, { DPoP: thief }), (err: oidc.WWWAuthenticateChallengeError) => err.status === 401);
  });

  it('a copied refresh token is useless without the device key: another key or no proof is refused, the device refreshes (checklist 81)', async () => {
    const { url, checks } = await code();
    const device = oidc.getDPoPHandle(handheld, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.authorizationCodeGrant(handheld, url, checks, undefined, { DPoP: device });
    const thief = oidc.getDPoPHandle(handheld, await oidc.randomDPoPKeyPair('ES256'));
    await assert.rejects(oidc.refreshTokenGrant(handheld, tokens.refresh_token!, undefined, { DPoP: thief }), refusal('invalid_grant'));
    await assert.rejects(oidc.refreshTokenGrant(handheld, tokens.refresh_token!), refusal('invalid_grant'));
    const refreshed = await oidc.refreshTokenGrant(handheld, tokens.refresh_token!, undefined, { DPoP: device });
    assert.equal(refreshed.token_type.toLowerCase(), 'dpop');
    assert.equal((await oidc.fetchUserInfo(handheld, refreshed.access_token, userId, { DPoP: device })).sub, userId);
    // the rotated refresh token is bound to the same key
    await assert.rejects(oidc.refreshTokenGrant(handheld, refreshed.refresh_token!, undefined, { DPoP: thief }), refusal('invalid_grant'));
    assert.ok((await oidc.refreshTokenGrant(handheld, refreshed.refresh_token!, undefined, { DPoP: device })).access_token);
  });

  it('a client registered with require_pushed_authorization_requests must push its request first', async () => {
    const config = await oidc.discovery(new URL(stack.issuer), 'rp-par', undefined, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const params = {
      redirect_uri: RP,
      scope: 'openid',
      state: 'par',
      login_hint: 'kiosk:',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    const direct = await new Agent().request(oidc.buildAuthorizationUrl(config, params).href);
    const location = new URL(direct.headers.get('location') ?? `${RP}?error=none`);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /[Pp]ushed [Aa]uthorization [Rr]equest/);

    const agent = new Agent();
    const page = await agent.follow((await oidc.buildAuthorizationUrlWithPAR(config, params)).href, { stopAt: RP });
    const done = await submit(agent, page, { username: 'rosa', password: PW }, { stopAt: RP });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: 'par' });
    assert.equal(tokens.claims()?.sub, userId);
  });
});
