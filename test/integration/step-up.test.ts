// MFA-asserted tokens and step-up (B4): acr_values, essential acr claims, max_age, require_mfa clients,
// JWT access tokens for a resource server, introspection, and the RFC 9470 challenge loop through the demo POS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pino from 'pino';
import { Agent, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { ACR } from '../../src/provider/acr.js';
import { startDemoPos } from '../../src/demo/pos.js';

const PW = 'step up passphrase 1';

describe('MFA-asserted tokens and step-up (B4, checklist 51, 52, 71-77)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let storeId: string;
  let app: AuthenticatorApp;
  let reportsUrl: string;
  let cleoId: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    reportsUrl = `${demoUrl}/api/reports`;
    stack = await startStack({ DEMO_URL: demoUrl });
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    storeId = await stack.createStore('grocer');
    await stack.createUser(storeId, 'mara', 'manager', PW);
    cleoId = await stack.createUser(storeId, 'cleo', 'cashier', PW);
    // mara sets MFA up once (optional for managers)
    const user = await stack.services.users.byUsername(storeId, 'mara');
    app = await stack.enrol(user!.id, 'grocer', 'mara');
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  // mara signs in with password + code and asks to remember the device, then, after that session ended, again with
  // the password only (an ordinary sign-in on a remembered device)
  async function passwordOnlySession(agent: Agent) {
    const first = await beginSignIn(stack, agent, { login_hint: 'grocer:' });
    const code = await submit(agent, first.page, { username: 'mara', password: PW }, { stopAt: first.redirect });
    await redeem(first, (await submit(agent, code, { code: await app.code(), remember: '1' }, { stopAt: first.redirect })).url);
    agent.forgetSession();
    const second = await beginSignIn(stack, agent, { login_hint: 'grocer:' });
    const tokens = await redeem(second, (await submit(agent, second.page, { username: 'mara', password: PW }, { stopAt: second.redirect })).url);
    assert.equal(tokens.claims()!.acr, ACR.pwd);
  }

  it('acr_values naming the MFA level asks a password-only session for the code, not the password (B4)', async () => {
    const agent = new Agent();
    await passwordOnlySession(agent);
    const flow = await beginSignIn(stack, agent, { acr_values: ACR.mfa });
    assert.doesNotMatch(flow.page.body, /name="password"/);
    assert.match(flow.page.body, /name="code"/);
    const done = await submit(agent, flow.page, { code: await app.code() }, { stopAt: flow.redirect });
    const claims = (await redeem(flow, done.url)).claims()!;
    assert.equal(claims.acr, ACR.mfa);
    assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
  });

  it('an essential acr in the claims parameter steps up too (checklist 52, 75)', async () => {
    const agent = new Agent();
    await passwordOnlySession(agent);
    const claimsParam = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR.mfa] } } });
    const flow = await beginSignIn(stack, agent, { claims: claimsParam });
    assert.match(flow.page.body, /name="code"/);
    const done = await submit(agent, flow.page, { code: await app.code() }, { stopAt: flow.redirect });
    assert.equal((await redeem(flow, done.url)).claims()!.acr, ACR.mfa);
  });

  it('an essential acr "value" of the MFA level steps a password-only session up to the code (checklist 75)', async () => {
    const agent = new Agent();
    await passwordOnlySession(agent);
    const claimsParam = JSON.stringify({ id_token: { acr: { essential: true, value: ACR.mfa } } });
    const flow = await beginSignIn(stack, agent, { claims: claimsParam });
    assert.doesNotMatch(flow.page.body, /name="password"/);
    assert.match(flow.page.body, /name="code"/);
    const done = await submit(agent, flow.page, { code: await app.code() }, { stopAt: flow.redirect });
    assert.equal((await redeem(flow, done.url)).claims()!.acr, ACR.mfa);
  });

  it('an essential acr we do not offer fails with unmet_authentication_requirements at the redirect URI, without a session (checklist 75, 77; RFC 9470 §4)', async () => {
    const agent = new Agent();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:other:loa:4' } } });
    const flow = await beginSignIn(stack, agent, { login_hint: 'grocer:', claims });
    // nothing to sign in for: no password is asked, the error goes straight back to the client
    assert.ok(flow.page.url.startsWith(flow.redirect), `ended at ${flow.page.url}`);
    const back = new URL(flow.page.url).searchParams;
    assert.equal(back.get('error'), 'unmet_authentication_requirements');
    assert.equal(back.get('state'), flow.state);
    assert.equal(back.get('code'), null);
  });

  it('an essential acr we do not offer fails with unmet_authentication_requirements with a live session too (checklist 75, 77; RFC 9470 §4)', async () => {
    const agent = new Agent();
    // cleo has no MFA: her session is password-only (acr pwd), made without an authenticator code
    const first = await beginSignIn(stack, agent, { login_hint: 'grocer:' });
    const signedIn = await redeem(first, (await submit(agent, first.page, { username: 'cleo', password: PW }, { stopAt: first.redirect })).url);
    assert.equal(signedIn.claims()!.acr, ACR.pwd);
    for (const acr of [{ essential: true, value: 'urn:other:loa:4' }, { essential: true, values: ['urn:example:hardware-key'] }]) {
      const flow = await beginSignIn(stack, agent, { claims: JSON.stringify({ id_token: { acr } }) });
      assert.ok(flow.page.url.startsWith(flow.redirect), `ended at ${flow.page.url}`);
      const back = new URL(flow.page.url).searchParams;
      assert.equal(back.get('error'), 'unmet_authentication_requirements', flow.page.url);
      assert.equal(back.get('code'), null);
    }
    // the session itself is untouched: an ordinary request still gets a code
    const ordinary = await beginSignIn(stack, agent);
    assert.ok(new URL(ordinary.page.url).searchParams.get('code'));
  });

  it('checklist 52, 73: max_age=0 and prompt=login demand a fresh password and the code, also on a remembered device', async () => {
    for (const fresh of [{ max_age: '0' }, { prompt: 'login' }] as Record<string, string>[]) {
      const agent = new Agent();
      await passwordOnlySession(agent);
      const flow = await beginSignIn(stack, agent, fresh);
      assert.match(flow.page.body, /name="password"/);
      const code = await submit(agent, flow.page, { username: 'mara', password: PW }, { stopAt: flow.redirect });
      assert.match(code.body, /name="code"/, `${JSON.stringify(fresh)}: the remembered device does not skip the code`);
      const typed = await app.code();
      const before = Math.floor(stack.time.now().getTime() / 1000);
      const done = await submit(agent, code, { code: typed }, { stopAt: flow.redirect });
      const claims = (await redeem(flow, done.url)).claims()!;
      assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(claims.acr, ACR.mfa);
      const authTime = Number(claims.auth_time);
      assert.ok(authTime >= before && authTime <= stack.time.now().getTime() / 1000, 'auth_time is the fresh authentication, on the provider clock (checklist 72)');
    }
  });

  it('JWT access tokens for the resource server carry acr/amr/auth_time, unchanged after refresh (checklist 76)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'grocer:', resource: reportsUrl, scope: 'openid reports:read' });
    const code = await submit(agent, flow.page, { username: 'mara', password: PW }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, (await submit(agent, code, { code: await app.code() }, { stopAt: flow.redirect })).url);
    const jwks = createRemoteJWKSet(new URL(flow.config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: stack.issuer, audience: reportsUrl });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.acr, ACR.mfa);
    assert.deepEqual(payload.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(typeof payload.auth_time, 'number');
    assert.equal(payload.scope, 'reports:read');

    const refreshed = await oidc.refreshTokenGrant(flow.config, tokens.refresh_token!, { resource: reportsUrl });
    const { payload: again } = await jwtVerify(refreshed.access_token, jwks, { issuer: stack.issuer, audience: reportsUrl });
    assert.equal(again.acr, payload.acr);
    assert.deepEqual(again.amr, payload.amr);
    assert.equal(again.auth_time, payload.auth_time);

    // the same MFA token reads reports, but payouts demand a passkey sign-in (issue 11: phr)
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    assert.equal((await fetch(reportsUrl, { headers: bearer })).status, 200);
    const payouts = await fetch(`${reportsUrl}/payouts`, { headers: bearer });
    assert.equal(payouts.status, 401);
    assert.match(payouts.headers.get('www-authenticate') ?? '', new RegExp(`error="insufficient_user_authentication".*acr_values="${ACR.phr}"`));
  });

  it('introspection states how the user authenticated (B4)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'grocer:' });
    const tokens = await redeem(flow, (await submit(agent, flow.page, { username: 'cleo', password: PW }, { stopAt: flow.redirect })).url);
    const info = await oidc.tokenIntrospection(flow.config, tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.acr, ACR.pwd);
    assert.deepEqual(info.amr, ['pwd']);
    assert.equal(typeof info.auth_time, 'number');
  });

  it('the reports API answers an RFC 9470 challenge, and the demo POS follows it through enrolment (checklist 77)', async () => {
    const agent = new Agent();
    // a cashier signs in on the demo POS with a password only
    const start = await agent.follow(`${demoUrl}/login`);
    const pwd = await submit(agent, start, { store: 'grocer' });
    const home = await submit(agent, pwd, { username: 'cleo', password: PW });
    assert.match(home.body, /id="amr">\[&quot;pwd&quot;\]/);

    // a password-level token is refused with the challenge
    const bare = await fetch(reportsUrl, { headers: { authorization: 'Bearer x.y.z' } });
    assert.equal(bare.status, 401);
    const flow = await beginSignIn(stack, agent, { resource: reportsUrl, scope: 'openid reports:read' });
    const pwdToken = await redeem(flow, flow.page.url);
    const refused = await fetch(reportsUrl, { headers: { authorization: `Bearer ${pwdToken.access_token}` } });
    assert.equal(refused.status, 401);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="insufficient_user_authentication"/);
    assert.match(challenge, new RegExp(`acr_values="${ACR.mfa}"`));

    // the demo follows the challenge: the cashier has no MFA, so the provider enrols them (with the pass an admin
    // gave: B17), then the report shows
    const proof = await agent.follow(`${demoUrl}/reports`);
    assert.match(proof.body, /name="pass"/);
    const begin = await submit(agent, proof, { pass: await stack.accessPass(cleoId) }, { match: 'name="pass"' });
    assert.match(begin.body, /name="stage" value="begin"/);
    const pw2 = await submit(agent, begin, { stage: 'begin' });
    const scan = await submit(agent, pw2, { stage: 'password', password: PW });
    const cleoApp = AuthenticatorApp.fromEnrolmentPage(scan.body);
    const code = await submit(agent, scan, { stage: 'scan' });
    const codes = await submit(agent, code, { stage: 'code', code: await cleoApp.code() });
    const report = await submit(agent, codes, { stage: 'codes', saved: '1' });
    assert.match(textOf(report.body), /Daily sales/);
    assert.match(report.body, new RegExp(`id="report-acr">${ACR.mfa}`));
  });
});
