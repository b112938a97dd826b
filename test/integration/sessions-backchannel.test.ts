// Provider sessions on the account page, their idle and absolute timeouts, and back-channel logout through the outbox,
// over real HTTP with the real demo POS and a real receiver (B15, B16; checklist 54, 56, 57).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';
import { PROJECT_ROOT as ROOT } from '../../src/root.js';

const PW = 'sessions passphrase 9';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const RECEIVER = { id: 'bcl-receiver', secret: 'bcl-receiver-secret-for-tests' };
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Received {
  token: string;
  status: number;
}

describe('sessions and back-channel logout (B15, B16)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let storeId: string;
  let userId: string;
  let receiver: Server;
  const received: Received[] = [];
  // the receiver answers these statuses in turn, then 200
  const answers: number[] = [];
  // the services' clock, moved forward by the tests (idle and absolute timeouts, retry backoff)
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const minutes = (n: number) => {
    offset += n * 60_000;
  };

  before(async () => {
    const rxPort = await freePort();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    receiver = createServer(async (req: IncomingMessage, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const status = answers.shift() ?? 200;
      received.push({ token: new URLSearchParams(raw).get('logout_token') ?? '', status });
      res.writeHead(status).end();
    });
    await new Promise<void>((r) => receiver.listen(rxPort, '127.0.0.1', r));
    // the shipped clients plus one whose back-channel endpoint is this test's receiver
    const shipped = JSON.parse(await readFile(path.join(ROOT, 'config/clients.json'), 'utf8')) as { clients: Record<string, unknown>[] };
    shipped.clients.push({
      client_id: RECEIVER.id,
      client_secret: RECEIVER.secret,
      client_name: 'Back-channel receiver',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${demoUrl}/callback`],
      backchannel_logout_uri: `http://127.0.0.1:${rxPort}/backchannel`,
      backchannel_logout_session_required: true,
    });
    const clientsFile = path.join(await mkdtemp(path.join(tmpdir(), 'bcl-')), 'clients.json');
    await writeFile(clientsFile, JSON.stringify(shipped));

    stack = await startStack({ DEMO_URL: demoUrl, CLIENTS_FILE: clientsFile }, { clock });
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    storeId = await stack.createStore('corner');
    userId = await stack.createUser(storeId, 'sam', 'cashier', PW);
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
    await new Promise((r) => receiver?.close(r));
  });

  // signs in (or, with a session already, is signed in at once) and redeems the code as the client
  async function signIn(agent: Agent, client?: oidc.Configuration) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' }, client);
    if (flow.page.url.startsWith(flow.redirect)) return redeem(flow, flow.page.url);
    const done = await submit(agent, flow.page, { username: 'sam', password: PW }, { stopAt: flow.redirect });
    return redeem(flow, done.url);
  }

  // the demo POS signs the browser in itself (its own authorization request and callback)
  async function signInAtDemo(agent: Agent) {
    const start = await agent.follow(`${demoUrl}/login`);
    const password = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'corner' }) : start;
    const home = await submit(agent, password, { username: 'sam', password: PW });
    assert.match(home.body, /id="user-name">sam name</);
    return home;
  }

  const account = (agent: Agent) => agent.follow(`${stack.issuer}/account`);
  const sessionsOf = (html: string) => html.slice(html.indexOf('id="sessions-heading"'), html.indexOf('id="password-heading"'));
  const resetUser = async () => {
    await stack.db.models.OidcPayload.deleteMany({ accountId: userId });
    await stack.db.models.OutboxMessage.deleteMany({ kind: 'logout' });
    await stack.db.models.StoreAccount.updateOne({ _id: storeId }, { $set: { 'policy.sessionIdleMinutes': 60, 'policy.sessionAbsoluteHours': 12 } });
  };

  it('lists where the user is signed in: device in words, address, times, this device (B15, checklist 54)', async () => {
    await resetUser();
    const laptop = new Agent({ 'user-agent': CHROME_LINUX });
    const till = new Agent({ 'user-agent': FIREFOX_WINDOWS });
    await signIn(laptop);
    await signIn(till);
    const page = await account(laptop);
    assert.equal(page.status, 200);
    const list = textOf(sessionsOf(page.body));
    assert.match(list, /Chrome on Linux This device/);
    assert.match(list, /Firefox on Windows/);
    assert.match(list, /Address This computer/, 'the loopback address is shown as this computer');
    assert.match(list, /Signed in .*UTC Last used .*UTC Apps used Demo POS/);
    assert.equal((sessionsOf(page.body).match(/data-session="current"/g) ?? []).length, 1);
    // the cookie's session id never appears in the page: other sessions are named by their uid
    const cookieIds = (await stack.db.models.OidcPayload.find({ accountId: userId, model: 'Session' }).lean()).map((d) => String(d._id).slice('Session:'.length));
    for (const id of cookieIds) assert.ok(!page.body.includes(id), 'no session cookie value in the page');

    const dutch = await laptop.follow(`${stack.issuer}/account?ui_locales=nl`);
    assert.match(textOf(sessionsOf(dutch.body)), /Chrome op Linux Dit apparaat/);
  });

  it('ends another session only with the password; that browser must sign in again (B15, checklist 54)', async () => {
    await resetUser();
    const laptop = new Agent({ 'user-agent': CHROME_LINUX });
    const till = new Agent({ 'user-agent': FIREFOX_WINDOWS });
    await signIn(laptop);
    await signIn(till);
    const page = await account(laptop);
    const other = formOf(sessionsOf(page.body), '/account/sessions/end');
    assert.notEqual(other.fields.session, 'others');

    const wrong = await laptop.request(new URL('/account/sessions/end', stack.issuer).href, { form: { ...other.fields, password: 'not my password' } });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /Incorrect password/);
    assert.match(textOf(sessionsOf(wrong.body)), /Firefox on Windows/, 'nothing was ended');
    const unknown = await laptop.request(new URL('/account/sessions/end', stack.issuer).href, { form: { ...other.fields, session: 'no-such-session', password: PW } });
    assert.equal(unknown.status, 400);
    assert.match(textOf(unknown.body), /already ended/);

    const ended = await submit(laptop, { body: sessionsOf(page.body), url: page.url }, { password: PW }, { match: '/account/sessions/end' });
    assert.equal(ended.status, 200);
    assert.match(textOf(ended.body), /The session has been signed out/);
    assert.doesNotMatch(textOf(sessionsOf(ended.body)), /Firefox/);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'session.ended', userId, storeId }));
    const tillAgain = await till.request(`${stack.issuer}/account`);
    assert.equal(tillAgain.status, 302, 'the ended browser is sent to sign in');
    const laptopStill = await account(laptop);
    assert.equal(laptopStill.status, 200, 'this device stays signed in');
  });

  it('a session unused for more than an hour is not used: the user signs in again (checklist 57)', async () => {
    await resetUser();
    const agent = new Agent();
    await signIn(agent);
    minutes(50);
    const stillIn = await beginSignIn(stack, agent);
    assert.ok(stillIn.page.url.startsWith(stillIn.redirect), 'within the hour the session signs the client in at once');
    minutes(50);
    const afterUse = await beginSignIn(stack, agent);
    assert.ok(afterUse.page.url.startsWith(afterUse.redirect), '50 minutes after the last use, 100 after sign-in: still in');
    minutes(61);
    const idle = await beginSignIn(stack, agent);
    assert.match(idle.page.body, /name="store"|name="username"/, 'after 61 idle minutes the user signs in again');
    const page = await agent.request(`${stack.issuer}/account`);
    assert.equal(page.status, 302);
  });

  it("the store's policy sets shorter idle and absolute limits (checklist 57)", async () => {
    await resetUser();
    await stack.db.models.StoreAccount.updateOne({ _id: storeId }, { $set: { 'policy.sessionIdleMinutes': 5, 'policy.sessionAbsoluteHours': 1 } });
    const idleAgent = new Agent();
    await signIn(idleAgent);
    minutes(4);
    assert.equal((await idleAgent.request(`${stack.issuer}/account`)).status, 200, 'used after 4 minutes');
    minutes(4);
    assert.equal((await idleAgent.request(`${stack.issuer}/account`)).status, 200, '4 minutes after the last use');
    minutes(6);
    assert.equal((await idleAgent.request(`${stack.issuer}/account`)).status, 302, '6 idle minutes: signed out');

    const busy = new Agent();
    await signIn(busy);
    for (let i = 0; i < 14; i++) {
      minutes(4);
      assert.equal((await busy.request(`${stack.issuer}/account`)).status, 200, `used every 4 minutes (${(i + 1) * 4} min)`);
    }
    minutes(5);
    const late = await beginSignIn(stack, busy);
    assert.match(late.page.body, /name="store"|name="username"/, 'an hour after signing in, in use or not, the user signs in again');
  });

  it('signing out tells the demo POS by back-channel logout; it shows "signed out" (B16, checklist 56)', async () => {
    await resetUser();
    const agent = new Agent();
    await signInAtDemo(agent);
    // the same browser session, seen from the client's side: its ID token carries the sid the POS was told
    const tokens = await signIn(agent);
    const sid = tokens.claims()!.sid as string;
    assert.ok(sid);
    const end = oidc.buildEndSessionUrl(await stack.client(), { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${demoUrl}/` });
    // with this session's ID token there is no question (B26)
    await agent.follow(end.href, { stopAt: `${demoUrl}/` });

    const queued = await stack.db.models.OutboxMessage.find({ kind: 'logout', accountId: userId, clientId: 'demo-pos' }).lean();
    assert.equal(queued.length, 1, 'one delivery queued in the outbox, none sent from inside the request');
    assert.equal(queued[0]!.status, 'pending');
    assert.equal(queued[0]!.sid, sid);
    const drained = await stack.logouts.drain();
    assert.equal(drained.sent, 1);
    const home = await agent.follow(`${demoUrl}/`);
    assert.match(home.body, /id="signed-out"/);
    assert.match(textOf(home.body), /You were signed out/);
    const event = await stack.db.models.AuditEvent.findOne({ type: 'logout.backchannel_sent', userId }).lean();
    assert.ok(event, 'the delivery is in the audit log');
    assert.equal(String(event.storeId), storeId);
    assert.equal((event.details as { clientId?: string }).clientId, 'demo-pos');
    assert.equal((await stack.logouts.drain()).sent, 0, 'delivered once');
  });

  it('ending sessions elsewhere tells the demo POS of each ended one (B16)', async () => {
    await resetUser();
    const register = new Agent({ 'user-agent': FIREFOX_WINDOWS });
    await signInAtDemo(register);
    const laptop = new Agent({ 'user-agent': CHROME_LINUX });
    await signIn(laptop);
    const page = await account(laptop);
    await submit(laptop, { body: sessionsOf(page.body), url: page.url }, { password: PW }, { match: 'value="others"' });
    assert.equal((await stack.logouts.drain()).sent, 1);
    assert.match((await register.follow(`${demoUrl}/`)).body, /id="signed-out"/);
  });

  it('the demo POS refuses a logout token that is not one (B16)', async () => {
    const post = (body: string) =>
      fetch(`${demoUrl}/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal((await post('')).status, 400);
    assert.equal((await post('logout_token=not.a.jwt')).status, 400);
    // a real ID token of this provider is signed by it, but it is no logout token
    const agent = new Agent();
    const tokens = await signIn(agent);
    const res = await post(`logout_token=${tokens.id_token}`);
    assert.equal(res.status, 400);
  });

  it('a receiver that fails is retried with backoff, delivered exactly once, every attempt audited (B16)', async () => {
    await resetUser();
    received.length = 0;
    answers.push(500);
    const agent = new Agent();
    const client = await stack.client(RECEIVER.id, RECEIVER.secret);
    const tokens = await signIn(agent, client);
    const sid = tokens.claims()!.sid as string;
    // a password change from another browser ends this session (checklist 53)
    const other = new Agent();
    await signIn(other);
    const page = await account(other);
    const changed = await submit(other, page, { password: PW, new_password: 'a brand new passphrase 42', confirm_password: 'a brand new passphrase 42' }, { match: 'action="/account/password"' });
    assert.equal(changed.status, 200);

    // two drains at once: the claim lets exactly one of them send
    const [a, b] = await Promise.all([stack.logouts.drain(), stack.logouts.drain()]);
    assert.equal(a.failed + b.failed, 1);
    assert.equal(received.length, 1);
    const delivery = await stack.db.models.OutboxMessage.findOne({ kind: 'logout', clientId: RECEIVER.id, accountId: userId }).lean();
    assert.equal(delivery!.status, 'pending');
    assert.equal(delivery!.attempts, 1);
    assert.match(delivery!.lastError ?? '', /500/);
    const failedEvent = await stack.db.models.AuditEvent.findOne({ type: 'logout.backchannel_failed', userId }).lean();
    assert.ok(failedEvent);
    assert.equal(String(failedEvent.storeId), storeId);

    assert.equal((await stack.logouts.drain()).sent, 0, 'not retried before its backoff');
    offset += 6_000;
    assert.equal((await stack.logouts.drain()).sent, 1, 'retried after 5 s');
    minutes(60);
    assert.equal((await stack.logouts.drain()).sent, 0);
    assert.equal(received.length, 2, 'one failure, one delivery, nothing more');
    assert.equal((await stack.db.models.OutboxMessage.findOne({ _id: delivery!._id }).lean())!.status, 'sent');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'logout.backchannel_sent', userId, 'details.clientId': RECEIVER.id }));

    // the token: signed by the provider, for this client, the logout event, this session's sid, no nonce
    const jwks = createRemoteJWKSet(new URL(`${stack.issuer}/jwks`));
    const jtis = new Set<string>();
    for (const { token } of received) {
      assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
      const { payload } = await jwtVerify(token, jwks, { issuer: stack.issuer, audience: RECEIVER.id });
      assert.equal(payload.sub, userId);
      assert.equal(payload.sid, sid);
      assert.deepEqual(payload.events, { [LOGOUT_EVENT]: {} });
      assert.equal(payload.nonce, undefined);
      assert.ok(typeof payload.iat === 'number' && typeof payload.jti === 'string');
      jtis.add(payload.jti as string);
    }
    assert.equal(jtis.size, 2, 'each attempt carries a fresh jti');
  });

});
