// OAuth BCP hardening (RFC 9700) as seen from the outside: PKCE S256 only, exact redirect URIs, code only, single-use codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

describe('OAuth hardening (checklist 78-84)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    const storeId = await stack.createStore('cafe');
    await stack.createUser(storeId, 'kim', 'cashier', 'kim passphrase 12');
  });
  after(() => stack.close());

  const authorize = async (params: Record<string, string>) => {
    const url = new URL('/auth', stack.issuer);
    url.search = new URLSearchParams({
      client_id: 'demo-pos',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${stack.demoUrl}/callback`,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ...params,
    }).toString();
    return new Agent().request(url.href);
  };

  it('refuses the plain PKCE method and a missing challenge (checklist 79)', async () => {
    const plain = await authorize({ code_challenge_method: 'plain' });
    assert.match(decodeURIComponent(plain.headers.get('location') ?? plain.body), /error=invalid_request|not supported|code_challenge_method/);
    const missing = await authorize({ code_challenge: '', code_challenge_method: '' });
    assert.match(decodeURIComponent(missing.headers.get('location') ?? missing.body), /error=invalid_request.*requires\+PKCE/);
  });

  it('refuses redirect URIs that do not match exactly, without redirecting there (checklist 78, 84)', async () => {
    const res = await authorize({ redirect_uri: `${stack.demoUrl}/callback/../evil` });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('offers only the code flow: implicit and ROPC are off (checklist 82)', async () => {
    const implicit = await authorize({ response_type: 'token' });
    assert.match(decodeURIComponent(implicit.headers.get('location') ?? implicit.body), /unsupported_response_type|not supported/);
    const discovery = await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json() as Record<string, string[]>;
    assert.deepEqual(discovery.response_types_supported, ['code']);
    assert.ok(!discovery.grant_types_supported!.includes('password'));
    assert.ok(!discovery.grant_types_supported!.includes('implicit'));
  });

  it('a code works once; redeeming it again revokes what it gave (checklist 80)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'cafe:' });
    const done = await submit(agent, flow.page, { username: 'kim', password: 'kim passphrase 12' }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    await assert.rejects(redeem(flow, done.url));
    const info = await oidc.tokenIntrospection(flow.config, tokens.access_token);
    assert.equal(info.active, false);
  });
});
