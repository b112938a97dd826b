// Passkeys over real HTTP with a software authenticator: registration on the account page, sign-in offered first,
// the phishing-resistant acr level, and every refusal clear and without effect (issue 11; checklist 37, 71-77).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { passkeyOptionsOf, SoftPasskey } from '../helpers/passkey-device.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { ACR } from '../../src/provider/acr.js';
import { credentialsOf } from '../../src/models/stores/user-directory.js';
import pino from 'pino';
import { startDemoPos } from '../../src/demo/pos.js';
import { freePort } from '../helpers/free-port.js';

const PASSWORD = 'manager passphrase 11';

describe('passkeys (issue 11)', () => {
  let stack: Stack;
  let storeId: string;
  let piaId: string;
  let app: AuthenticatorApp;
  let passkey: SoftPasskey;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let reportsUrl: string;

  before(async () => {
    const port = await freePort();
    const demoUrl = `http://localhost:${port}`;
    reportsUrl = `${demoUrl}/api/reports`;
    stack = await startStack({ DEMO_URL: demoUrl });
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    storeId = await stack.createStore('bakery');
    piaId = await stack.createUser(storeId, 'pia', 'manager', PASSWORD);
    app = await stack.enrol(piaId, 'bakery', 'pia');
    passkey = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  const passkeysOf = async (userId: string) => credentialsOf((await stack.db.models.User.findById(userId).lean())!).filter((c) => c.type === 'passkey');

  // a full sign-in with the password and the app, then the account page (it asks nothing more)
  async function accountAgent(username = 'pia', code = () => app.code()) {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'bakery' }) : start;
    let second = await submit(agent, store, { username, password: PASSWORD });
    // a user with a passkey is asked for it first; these tests switch to the app
    const useApp = /href="([^"]*\/use-app)"/.exec(second.body)?.[1];
    if (useApp) second = await agent.follow(new URL(useApp, second.url).href);
    const page = await submit(agent, second, { code: await code() });
    assert.match(page.body, /<h1>Security &amp; ID<\/h1>/);
    return { agent, page };
  }

  async function registrationPage(agent: Agent, page: { body: string; url: string }, name = 'Till 2') {
    return submit(agent, page, { name, password: PASSWORD }, { match: 'action="/account/passkeys/new"' });
  }

  it('registers a passkey on the account page: password again, then the browser; audited and emailed', async () => {
    const { agent, page } = await accountAgent();
    assert.match(page.body, /You have no passkeys yet\./);
    const wrong = await submit(agent, page, { name: 'Till 2', password: 'not my password' }, { match: 'action="/account/passkeys/new"' });
    assert.equal(wrong.status, 400, 'the password is asked again');
    const register = await registrationPage(agent, page);
    assert.equal(register.status, 200);
    const options = passkeyOptionsOf(register.body) as { challenge: string; rp: { id: string }; attestation: string; authenticatorSelection: { userVerification: string } };
    assert.equal(options.rp.id, new URL(stack.issuer).hostname, 'RP ID from the issuer');
    assert.equal(options.attestation, 'none');
    assert.equal(options.authenticatorSelection.userVerification, 'preferred');
    const done = await submit(agent, register, { credential: JSON.stringify(passkey.register(options)) }, { match: 'action="/account/passkeys/register"' });
    assert.match(done.url, /\/account\?done=passkey_added$/);
    assert.match(done.body, /The passkey has been added\./);
    assert.match(done.body, /Till 2/);
    const [stored] = await passkeysOf(piaId);
    assert.equal(stored?.name, 'Till 2');
    assert.equal(stored?.data.credentialId, passkey.id);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'mfa.passkey_added', userId: piaId }));
    assert.ok(stack.notifications.some((n) => n.type === 'passkey_added' && n.userId === piaId));
  });

  it('the admin\'s page for the user lists the passkey by name, through the factor\'s own admin section (issue 19 item 4)', async () => {
    const adamId = await stack.createUser(storeId, 'adam', 'admin', PASSWORD);
    const adamApp = await stack.enrol(adamId, 'bakery', 'adam');
    const admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=bakery`);
    const code = await submit(admin, start, { username: 'adam', password: PASSWORD });
    await submit(admin, code, { code: await adamApp.code() });
    const page = await admin.follow(`${stack.issuer}/admin/users/${piaId}`);
    const listed = /<ul class="admin-passkeys" data-admin-passkeys>([\s\S]*?)<\/ul>/.exec(page.body)?.[1] ?? '';
    assert.match(textOf(listed), /Till 2/);
  });

  it('refuses a registration posted twice, for another origin or RP ID, or malformed: clear errors, nothing added', async () => {
    const { agent, page } = await accountAgent();
    const other = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);
    const cases: Array<[string, (o: { challenge: string }) => string]> = [
      ['another origin', (o) => JSON.stringify(other.register(o, { origin: 'https://evil.example' }))],
      ['another RP ID', (o) => JSON.stringify(other.register(o, { rpId: 'evil.example' }))],
      ['malformed JSON', () => '{"id": "x", "type": "public-key"'],
      ['not a credential', () => JSON.stringify({ hello: 'world' })],
    ];
    for (const [label, answer] of cases) {
      const register = await registrationPage(agent, page, 'Rogue');
      const refused = await submit(agent, register, { credential: answer(passkeyOptionsOf(register.body)) }, { match: 'action="/account/passkeys/register"' });
      assert.equal(refused.status, 400, label);
      assert.match(textOf(refused.body), /The passkey could not be added\. Try again\./, label);
    }
    // the same answer twice: its challenge is used up
    const register = await registrationPage(agent, page, 'Twice');
    const answer = JSON.stringify(other.register(passkeyOptionsOf(register.body)));
    const first = await submit(agent, register, { credential: answer }, { match: 'action="/account/passkeys/register"' });
    assert.match(first.body, /The passkey has been added\./);
    const again = await submit(agent, register, { credential: answer }, { match: 'action="/account/passkeys/register"' });
    assert.equal(again.status, 400);
    assert.deepEqual((await passkeysOf(piaId)).map((c) => c.name).sort(), ['Till 2', 'Twice']);
    // tidy: the extra passkey goes (password asked)
    const twice = (await passkeysOf(piaId)).find((c) => c.name === 'Twice')!;
    const confirm = await agent.follow(`${stack.issuer}/account/passkeys/${twice.key}/remove`);
    const removed = await submit(agent, confirm, { password: PASSWORD });
    assert.match(removed.body, /The passkey has been removed\./);
    assert.ok(stack.notifications.some((n) => n.type === 'passkey_removed' && n.userId === piaId));
  });

  it('at sign-in the passkey is offered first; the token says phr with amr pwd, hwk, user, mfa; payouts accept it', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:', resource: reportsUrl, scope: 'openid reports:read' });
    const second = await submit(agent, flow.page, { username: 'pia', password: PASSWORD });
    assert.match(second.body, /Use your passkey/);
    assert.match(second.body, /href="[^"]*\/use-app"[^>]*>Use my authenticator app/);
    assert.match(second.body, /href="[^"]*\/use-recovery"/);
    const done = await submit(agent, second, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(second.body))) }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    const claims = tokens.claims()!;
    assert.equal(claims.acr, ACR.phr);
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'user', 'mfa']);
    const payouts = await fetch(`${reportsUrl}/payouts`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(payouts.status, 200);
    assert.equal(((await payouts.json()) as { report: string }).report, 'Payouts');
    const [stored] = await passkeysOf(piaId);
    assert.equal(stored?.data.counter, passkey.counter, 'the sign counter is stored');
    assert.ok(stored?.lastUsedAt, 'last use is shown on the account page');
  });

  it('refuses a replayed assertion, another origin or RP ID, a lower counter (audited), and malformed JSON', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const page = await submit(agent, flow.page, { username: 'pia', password: PASSWORD });
    const options = passkeyOptionsOf(page.body);
    // the interaction's own page, shown again with a fresh challenge
    const again = () => agent.follow(page.url.replace(/\/password$/, ''));
    const before = (await passkeysOf(piaId))[0]!.data.counter;
    const refusals: Array<[string, string, RegExp]> = [
      ['another origin', JSON.stringify(passkey.assert(options, { origin: 'https://evil.example' })), /could not be checked/],
      ['another RP ID', JSON.stringify(passkey.assert(passkeyOptionsOf((await again()).body), { rpId: 'evil.example' })), /could not be checked/],
      ['malformed JSON', '{"id":', /could not be checked/],
    ];
    for (const [label, credential, message] of refusals) {
      const fresh = await again();
      const refused = await submit(agent, fresh, { credential });
      assert.equal(refused.status, 400, label);
      assert.match(textOf(refused.body), message, label);
    }
    // one good answer posted three times at once signs in once (its challenge is claimed once)
    const fresh = await again();
    const good = JSON.stringify(passkey.assert(passkeyOptionsOf(fresh.body)));
    const raced = await Promise.all([1, 2, 3].map(() => submit(agent, fresh, { credential: good }, { stopAt: flow.redirect })));
    assert.equal(raced.filter((r) => r.url.startsWith(flow.redirect) && /[?&]code=/.test(r.url)).length, 1, 'exactly one success');
    // and in another sign-in it is refused: the challenge belonged to the first one
    const later = new Agent();
    const laterFlow = await beginSignIn(stack, later, { login_hint: 'bakery:' });
    const laterPage = await submit(later, laterFlow.page, { username: 'pia', password: PASSWORD });
    const replayed = await submit(later, laterPage, { credential: good });
    assert.equal(replayed.status, 400);
    assert.match(textOf(replayed.body), /could not be checked/);
    // a clone with a lower counter
    const clone = new Agent();
    const cloneFlow = await beginSignIn(stack, clone, { login_hint: 'bakery:' });
    const clonePage = await submit(clone, cloneFlow.page, { username: 'pia', password: PASSWORD });
    const cloned = await submit(clone, clonePage, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(clonePage.body), { counter: 1 })) });
    assert.equal(cloned.status, 400);
    assert.match(textOf(cloned.body), /its counter went backwards/);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'mfa.passkey_counter_regression', userId: piaId }));
    assert.ok(Number((await passkeysOf(piaId))[0]!.data.counter) >= Number(before), 'a refusal never lowers the stored counter');
  });

  it("another user's passkey does not sign in this user", async () => {
    const otherId = await stack.createUser(storeId, 'oskar', 'manager', PASSWORD);
    const otherApp = await stack.enrol(otherId, 'bakery', 'oskar');
    const { agent, page } = await accountAgent('oskar', () => otherApp.code());
    const oskarKey = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);
    const register = await registrationPage(agent, page, 'Oskar phone');
    await submit(agent, register, { credential: JSON.stringify(oskarKey.register(passkeyOptionsOf(register.body))) }, { match: 'action="/account/passkeys/register"' });
    assert.equal((await passkeysOf(otherId)).length, 1);

    const victim = new Agent();
    const flow = await beginSignIn(stack, victim, { login_hint: 'bakery:' });
    const second = await submit(victim, flow.page, { username: 'pia', password: PASSWORD });
    const refused = await submit(victim, second, { credential: JSON.stringify(oskarKey.assert(passkeyOptionsOf(second.body))) });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /could not be checked/);
  });

  it('a client that requires phishing resistance accepts only a passkey; a user without one is told how to add one', async () => {
    const portal = await oidc.discovery(new URL(stack.issuer), 'payouts-portal', 'payouts-portal-secret-change-me-in-production', undefined, { execute: [oidc.allowInsecureRequests] });
    const redirect_uri = `${stack.demoUrl}/partner/callback`;
    // pia has a passkey: the app is not even offered
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:', redirect_uri }, portal);
    const second = await submit(agent, flow.page, { username: 'pia', password: PASSWORD });
    assert.match(second.body, /Use your passkey/);
    assert.doesNotMatch(second.body, /use-app|use-recovery/);
    const done = await submit(agent, second, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(second.body))) }, { stopAt: redirect_uri });
    assert.equal((await redeem(flow, done.url)).claims()!.acr, ACR.phr);

    // a user with only the app: told, and the request ends with unmet_authentication_requirements
    const appOnlyId = await stack.createUser(storeId, 'ada', 'manager', PASSWORD);
    await stack.enrol(appOnlyId, 'bakery', 'ada');
    const ada = new Agent();
    const adaFlow = await beginSignIn(stack, ada, { login_hint: 'bakery:', redirect_uri }, portal);
    const needs = await submit(ada, adaFlow.page, { username: 'ada', password: PASSWORD });
    assert.match(needs.body, /This app needs a passkey/);
    assert.match(needs.body, /href="\/account"/);
    assert.doesNotMatch(needs.body, /name="code"/);
    const cancelled = await submit(ada, needs, {}, { stopAt: redirect_uri });
    assert.match(cancelled.url, /error=unmet_authentication_requirements/);
  });

  it('step-up: an MFA session asked for phr by acr_values is asked for the passkey only', async () => {
    const agent = new Agent();
    const first = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const second = await submit(agent, first.page, { username: 'pia', password: PASSWORD });
    const viaApp = await agent.follow(new URL(/href="([^"]*\/use-app)"/.exec(second.body)![1]!, second.url).href);
    const done = await submit(agent, viaApp, { code: await app.code() }, { stopAt: first.redirect });
    assert.equal((await redeem(first, done.url)).claims()!.acr, ACR.mfa);
    const up = await beginSignIn(stack, agent, { acr_values: ACR.phr });
    assert.doesNotMatch(up.page.body, /name="password"/);
    assert.match(up.page.body, /Use your passkey/);
    const upDone = await submit(agent, up.page, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(up.page.body))) }, { stopAt: up.redirect });
    assert.equal((await redeem(up, upDone.url)).claims()!.acr, ACR.phr);
  });

  it('discovery advertises the levels: quick switch (B19), password, MFA, phishing-resistant', async () => {
    const meta = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
    assert.deepEqual(meta.acr_values_supported, [ACR.switch, ACR.pwd, ACR.mfa, ACR.phr]);
  });
});
