// The device authorization grant for POS hardware (B25, issue 21 item 7; RFC 8628) over real HTTP: a device shows a
// short-lived code, a staff member approves it with a full sign-in (MFA by the same policy, the device's client may
// demand more), and the device's tokens say who approved, how and for which device; wrong codes are throttled per
// address; every approval, cancellation and refused code is audited.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { clientsFileWith } from '../helpers/clients-file.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { ACR } from '../../src/provider/acr.js';
import { USER_CODE_LIMITS } from '../../src/services/throttle/user-codes.js';

const PW = 'kitchen passphrase 52';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const deviceClient = (id: string, extra: Record<string, unknown> = {}) => ({
  client_id: id,
  client_name: `Device app ${id}`,
  token_endpoint_auth_method: 'none',
  application_type: 'native',
  grant_types: [DEVICE_GRANT, 'refresh_token'],
  response_types: [],
  redirect_uris: [],
  ...extra,
});

describe('the device authorization grant (B25, issue 21 item 7)', () => {
  let stack: Stack;
  let storeId: string;
  let miaId: string;
  let miaApp: AuthenticatorApp;
  // the services' clock runs with real time, moved forward where a test says so
  let offset = 0;

  before(async () => {
    const clientsFile = await clientsFileWith([deviceClient('kitchen-mfa', { require_mfa: true }), deviceClient('terminal-phr', { require_phishing_resistant: true })]);
    // one proxy in front, so each test's "network" is its own X-Forwarded-For address
    stack = await startStack({ CLIENTS_FILE: clientsFile, TRUST_PROXY: '1' }, { clock: () => new Date(Date.now() + offset) });
    storeId = await stack.createStore('corner');
    miaId = await stack.createUser(storeId, 'mia', 'manager', PW);
    miaApp = await stack.enrol(miaId, 'corner', 'mia');
    await stack.createUser(storeId, 'sam', 'cashier', PW);
  });
  after(() => stack?.close());

  const device = (clientId = 'demo-kitchen-display') => oidc.discovery(new URL(stack.issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const poll = (config: oidc.Configuration, deviceCode: string) => oidc.genericGrantRequest(config, DEVICE_GRANT, { device_code: deviceCode });
  const refusal = (error: string) => (err: oidc.ResponseBodyError) => err.error === error;

  // a staff member's browser on a network of its own: enters the code and lands on the device's page
  async function enterCode(agent: Agent, userCode: string) {
    const start = await agent.follow(`${stack.issuer}/device`);
    assert.match(start.body, /name="user_code"/);
    return submit(agent, start, { user_code: userCode });
  }

  it('discovery offers the device authorization endpoint and grant', async () => {
    const discovery = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(discovery.device_authorization_endpoint, `${stack.issuer}/device/auth`);
    assert.ok((discovery.grant_types_supported as string[]).includes(DEVICE_GRANT));
    assert.ok((discovery.claims_supported as string[]).includes('device'));
  });

  it('a device gets a short-lived code of 8 letters, and the token endpoint says pending until someone approves', async () => {
    const config = await device();
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'Kitchen screen 2' });
    assert.match(asked.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(asked.expires_in, 300);
    assert.equal(asked.verification_uri, `${stack.issuer}/device`);
    assert.equal(asked.verification_uri_complete, `${stack.issuer}/device?user_code=${asked.user_code}`);
    await assert.rejects(poll(config, asked.device_code), refusal('authorization_pending'));
  });

  it('a staff member approves with a full sign-in and the client\'s MFA; the tokens say who, how and which device; audited', async () => {
    const config = await device('kitchen-mfa');
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access', device_name: 'Kitchen screen 2' });
    // the back office browser is already signed in as sam: approving still takes a full sign-in
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.10', 'accept-language': 'nl' });
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
    await redeem(flow, (await submit(agent, flow.page, { username: 'sam', password: PW }, { stopAt: flow.redirect })).url);

    const confirm = await agent.follow(asked.verification_uri_complete!);
    const facts = textOf(confirm.body);
    assert.match(facts, /Kitchen screen 2 aanmelden\?/);
    assert.match(facts, /Device app kitchen-mfa/);
    assert.match(facts, new RegExp(asked.user_code));
    const password = await submit(agent, confirm, { confirm: 'yes' });
    assert.match(password.body, /name="password"/, 'the approver signs in fully, whoever this browser was signed in as');
    const code = await submit(agent, password, { username: 'mia', password: PW });
    assert.match(code.body, /name="code"/, 'the device\'s client demands MFA');
    const done = await submit(agent, code, { code: await miaApp.code() });
    assert.match(textOf(done.body), /Kitchen screen 2 is nu aangemeld als mia name/);

    const tokens = await poll(config, asked.device_code);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, miaId, 'who approved');
    assert.equal(claims.acr, ACR.mfa, 'how');
    assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
    const named = claims.device as { id: string; name: string };
    assert.equal(named.name, 'Kitchen screen 2', 'for which device');
    assert.match(named.id, /^[\w-]{12}$/);
    assert.equal(tokens.authorization_details, undefined, 'the device detail is a claim, not authorization details');
    const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.deepEqual(introspected.device, named);
    assert.equal(introspected.acr, ACR.mfa);
    // the device keeps saying so after a refresh
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.deepEqual(refreshed.claims()?.device, named);
    assert.equal(refreshed.claims()?.acr, ACR.mfa);
    assert.deepEqual((await oidc.tokenIntrospection(config, refreshed.access_token)).device, named);
    // the code works once
    await assert.rejects(poll(config, asked.device_code), refusal('invalid_grant'));

    const event = await stack.db.models.AuditEvent.findOne({ type: 'device_flow.approved', userId: miaId }).lean();
    assert.ok(event);
    assert.equal(String(event.storeId), storeId, 'in the approver\'s store\'s log');
    assert.equal(event.ip, '198.51.100.10');
    assert.deepEqual(
      { ...(event.details as Record<string, unknown>), amr: undefined },
      { clientId: 'kitchen-mfa', deviceName: 'Kitchen screen 2', deviceId: named.id, deviceAddress: '127.0.0.1', acr: ACR.mfa, amr: undefined },
    );
  });

  it('each approved device has a grant of its own: two screens approved from one browser, one revoked, the other works on', async () => {
    const config = await device();
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.11' });
    const approve = async (name: string) => {
      const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid offline_access', device_name: name });
      const password = await submit(agent, await agent.follow(asked.verification_uri_complete!), { confirm: 'yes' });
      const page = /name="store"/.test(password.body) ? await submit(agent, password, { store: 'corner' }) : password;
      await submit(agent, page, { username: 'sam', password: PW });
      return poll(config, asked.device_code);
    };
    const first = await approve('Customer display 1');
    const second = await approve('Customer display 2');
    const idOf = (tokens: typeof first) => (tokens.claims()!.device as { id: string }).id;
    assert.notEqual(idOf(first), idOf(second));
    await oidc.tokenRevocation(config, first.refresh_token!);
    await assert.rejects(oidc.refreshTokenGrant(config, first.refresh_token!), refusal('invalid_grant'));
    assert.ok((await oidc.refreshTokenGrant(config, second.refresh_token!)).access_token);
  });

  it('signing out of the approving browser leaves the device signed in; the browser\'s own clients are signed out (docs/integrators.md)', async () => {
    const config = await device();
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.12' });
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid offline_access', device_name: 'Kitchen screen 3' });
    const password = await submit(agent, await agent.follow(asked.verification_uri_complete!), { confirm: 'yes' });
    const page = /name="store"/.test(password.body) ? await submit(agent, password, { store: 'corner' }) : password;
    await submit(agent, page, { username: 'sam', password: PW });
    const kitchen = await poll(config, asked.device_code);
    // the same browser then signs in to the POS, and signs out there
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
    const pos = await redeem(flow, flow.page.url.startsWith(flow.redirect) ? flow.page.url : (await submit(agent, flow.page, { username: 'sam', password: PW }, { stopAt: flow.redirect })).url);
    const question = await agent.request(new URL('/session/end', stack.issuer).href);
    const yes = formOf(question.body, 'op.logoutForm');
    const done = await agent.request(new URL(yes.action, stack.issuer).href, { form: { ...yes.fields, logout: 'yes' } });
    assert.ok(done.status < 400, `signed out: ${done.status}`);
    await assert.rejects(oidc.refreshTokenGrant(await stack.client(), pos.refresh_token!), refusal('invalid_grant'));
    assert.ok((await oidc.refreshTokenGrant(config, kitchen.refresh_token!)).access_token, 'the kitchen screen works on');
  });

  it('Cancel on the device\'s page, before any sign-in, tells the device access_denied; audited', async () => {
    const config = await device();
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'Terminal 3' });
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.12' });
    const confirm = await enterCode(agent, asked.user_code.toLowerCase().replace('-', ' '));
    assert.match(textOf(confirm.body), /Sign in Terminal 3\?/, 'capitals and the dash do not matter');
    const cancelled = await submit(agent, confirm, { abort: 'yes' });
    assert.match(textOf(cancelled.body), /The device was not signed in, and it has been told/);
    await assert.rejects(poll(config, asked.device_code), refusal('access_denied'));
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'device_flow.declined', 'details.deviceName': 'Terminal 3' }));
  });

  it('a device\'s client that demands a passkey cannot be approved with an app code; the device is told', async () => {
    const config = await device('terminal-phr');
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.13' });
    const password = await submit(agent, await enterCode(agent, asked.user_code), { confirm: 'yes' });
    const store = /name="store"/.test(password.body) ? await submit(agent, password, { store: 'corner' }) : password;
    const missing = await submit(agent, store, { username: 'mia', password: PW });
    assert.doesNotMatch(missing.body, /name="code"/, 'an app code is not offered');
    const ended = await submit(agent, missing, {});
    assert.match(textOf(ended.body), /needs a stronger sign-in than the one you have \(a passkey\)/);
    await assert.rejects(poll(config, asked.device_code), refusal('unmet_authentication_requirements'));
  });

  it('a device cannot ask for a manager\'s approval, and its name is 1-64 printable characters', async () => {
    const config = await device();
    await assert.rejects(
      oidc.initiateDeviceAuthorization(config, {
        scope: 'openid',
        authorization_details: JSON.stringify([{ type: 'pos_approval', action: 'refund', amount: '1.00', currency: 'EUR', register: 'Till 1', transaction_id: 'T-1' }]),
      }),
      refusal('invalid_authorization_details'),
    );
    await assert.rejects(oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'x'.repeat(65) }), refusal('invalid_request'));
    await assert.rejects(oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'Till\u0000 2' }), refusal('invalid_request'));
  });

  it('codes are short-lived: five minutes later the code is refused and the device must start again', async () => {
    const config = await device();
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    offset += 301_000;
    const refused = await enterCode(new Agent({ 'x-forwarded-for': '198.51.100.14' }), asked.user_code);
    assert.equal(refused.status, 400);
    assert.doesNotMatch(refused.body, /name="confirm"/);
    await assert.rejects(poll(config, asked.device_code), (err: oidc.ResponseBodyError) => ['expired_token', 'invalid_grant'].includes(err.error));
  });

  it('guessing codes: after the wrong codes an address is allowed, even the right code waits for the window; audited', async () => {
    const config = await device();
    const asked = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'Kitchen screen 9' });
    const guesser = new Agent({ 'x-forwarded-for': '203.0.113.66' });
    for (let i = 1; i < USER_CODE_LIMITS.wrongPerAddress; i++) {
      const page = await enterCode(guesser, 'BBBB-BBBB');
      assert.equal(page.status, 400, `wrong code ${i}`);
      assert.match(textOf(page.body), /No device is waiting for this code/);
    }
    const last = await enterCode(guesser, 'BBBB-BBBC');
    assert.equal(last.status, 429);
    assert.match(textOf(last.body), /Too many wrong codes from this network\. Try again in \d+ minutes?\./);
    const right = await enterCode(guesser, asked.user_code);
    assert.equal(right.status, 429, 'the right code waits too: nothing is looked up');
    // another network is not affected
    assert.match(textOf((await enterCode(new Agent({ 'x-forwarded-for': '198.51.100.15' }), asked.user_code)).body), /Sign in Kitchen screen 9\?/);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'device_flow.code_refused', ip: '203.0.113.66' }), USER_CODE_LIMITS.wrongPerAddress);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'device_flow.code_throttled', ip: '203.0.113.66' }));
    // the next window
    offset += USER_CODE_LIMITS.windowMs;
    const again = await oidc.initiateDeviceAuthorization(config, { scope: 'openid', device_name: 'Kitchen screen 9' });
    assert.match(textOf((await enterCode(guesser, again.user_code)).body), /Sign in Kitchen screen 9\?/);
  });
});
