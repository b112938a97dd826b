// Sessions, notifications and step-up as shipped (checklist 57, 67, 77): over real HTTP, the real database, a real
// SMTP server and the demo's real resource server, with the provider's clock injected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpMessage, type SmtpSink } from '../helpers/smtp.js';
import { freePort } from '../helpers/free-port.js';
import { enrolOnClock, testClock, type ClockedApp } from '../helpers/clocked-app.js';
import { startDemoPos } from '../../src/demo/pos.js';
import { REPORTS_MAX_AGE } from '../../src/demo/reports-api.js';
import { ACR } from '../../src/provider/acr.js';

const PW = 'sessions notices passphrase';

describe('sessions and notifications (checklist 57, 67)', () => {
  let stack: Stack;
  let sink: SmtpSink;
  let storeId: string;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const minutes = (n: number) => {
    offset += n * 60_000;
  };

  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, { clock: now, outbox: { pollMs: 0 } });
    // a stored policy beyond what the console allows (60 idle minutes, 24 hours), as a bad migration could leave it
    storeId = await stack.createStore('quay', { country: 'GB', policy: { sessionIdleMinutes: 600, sessionAbsoluteHours: 48 } });
    await stack.createUser(storeId, 'olaf', 'owner', PW, { email: 'olaf@example.test' });
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  async function signIn(username: string) {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'quay:' });
    await redeem(flow, (await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect })).url);
    return agent;
  }
  async function mailFrom(work: () => Promise<unknown>): Promise<SmtpMessage[]> {
    await stack.outbox!.drain();
    const mark = sink.messages.length;
    await work();
    await stack.settled();
    await stack.outbox!.drain();
    return sink.messages.slice(mark);
  }

  it('checklist 57: whatever a stored policy says, a session ends after 1 idle hour, and 24 hours after its sign-in even when used every 50 minutes, on the server', async () => {
    await stack.createUser(storeId, 'nils', 'cashier', PW);
    const agent = await signIn('nils');
    const cookie = agent.cookie('_session');
    assert.ok(cookie);
    for (let used = 50; used < 24 * 60; used += 50) {
      minutes(50);
      assert.equal((await agent.request(`${stack.issuer}/account`)).status, 200, `in use after ${used} minutes`);
    }
    minutes(24 * 60 - Math.floor((24 * 60) / 50) * 50 + 1);
    // the same cookie, replayed as it was: the server no longer knows the session
    const stranger = new Agent();
    stranger.setCookie('_session', cookie);
    assert.equal((await stranger.request(`${stack.issuer}/account`)).status, 302, 'the session ended at 24 h');
    const again = await beginSignIn(stack, agent);
    assert.match(again.page.body, /name="store"|name="username"|name="password"/, 'the user signs in again');
    // idle: 61 minutes without use
    const idle = await signIn('nils');
    minutes(61);
    assert.equal((await idle.request(`${stack.issuer}/account`)).status, 302, 'an hour idle ends it');
  });

  it('checklist 67: a change of email address is sent to the old and to the new address; other notices to the address on file, or to the owner for a user without one', async () => {
    await stack.createUser(storeId, 'ida', 'cashier', PW, { email: 'ida@example.test' });
    await stack.createUser(storeId, 'bob', 'cashier', PW, { email: null });
    const agent = await signIn('ida');
    const change = await mailFrom(async () => {
      const page = await agent.follow(`${stack.issuer}/account`);
      const form = formOf(page.body, '/account/email');
      const done = await agent.follow(`${stack.issuer}/account/email`, { form: { ...form.fields, email: 'ida.new@example.test', password: PW } });
      assert.match(textOf(done.body), /email address has been changed/);
    });
    assert.deepEqual(change.map((m) => m.to.join(',')).sort(), ['ida.new@example.test', 'ida@example.test']);
    assert.ok(change.every((m) => /Email address changed/.test(m.subject)));
    const ida = (await stack.services.users.byUsername(storeId, 'ida'))!;
    const password = await mailFrom(() => stack.services.passwords.change(ida.id, 'ida has a new passphrase', { actorId: ida.id }));
    assert.deepEqual(password.map((m) => m.to.join(',')), ['ida.new@example.test']);
    const bob = (await stack.services.users.byUsername(storeId, 'bob'))!;
    const forBob = await mailFrom(() => stack.services.passwords.change(bob.id, 'bob has a new passphrase', { actorId: bob.id }));
    assert.deepEqual(forBob.map((m) => m.to.join(',')), ['olaf@example.test'], 'no address of his own: the owner is told');
  });
});

describe('step-up challenges of a resource server (checklist 77; RFC 9470)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let reportsUrl: string;
  const clock = testClock();
  let app: ClockedApp;

  before(async () => {
    const port = await freePort();
    const demoUrl = `http://localhost:${port}`;
    reportsUrl = `${demoUrl}/api/reports`;
    stack = await startStack({ DEMO_URL: demoUrl }, { clock: clock.now });
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    const storeId = await stack.createStore('wharf');
    const id = await stack.createUser(storeId, 'vera', 'manager', PW);
    await stack.createUser(storeId, 'jan', 'cashier', PW);
    app = await enrolOnClock(stack, clock, id, 'wharf', 'vera');
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  async function accessToken(username: string, withCode: boolean) {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'wharf:', resource: reportsUrl, scope: 'openid reports:read' });
    let page = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    if (withCode) page = await submit(agent, page, { code: app.code() }, { stopAt: flow.redirect });
    return (await redeem(flow, page.url)).access_token;
  }
  const call = (token: string) => fetch(reportsUrl, { headers: { authorization: `Bearer ${token}` } });
  const challengeOf = (res: Response) => res.headers.get('www-authenticate') ?? '';

  it('checklist 77: too weak, or MFA older than max_age: 401 Bearer error="insufficient_user_authentication" naming acr_values and max_age; fresh MFA is served', async () => {
    const pwdOnly = await call(await accessToken('jan', false));
    assert.equal(pwdOnly.status, 401);
    const expected = new RegExp(`^Bearer error="insufficient_user_authentication", error_description="[^"]+", acr_values="${ACR.mfa}", max_age=${REPORTS_MAX_AGE}$`);
    assert.match(challengeOf(pwdOnly), expected);
    assert.equal(((await pwdOnly.json()) as { error: string }).error, 'insufficient_user_authentication');

    // an MFA sign-in two hours ago (the provider's clock then), its token still valid: too old for max_age=3600
    clock.later(-2 * 3_600_000);
    const stale = await accessToken('vera', true);
    clock.later(2 * 3_600_000);
    const old = await call(stale);
    assert.equal(old.status, 401);
    assert.match(challengeOf(old), expected);

    const fresh = await call(await accessToken('vera', true));
    assert.equal(fresh.status, 200, challengeOf(fresh));
    // no token at all is not a step-up case
    const none = await fetch(reportsUrl);
    assert.equal(none.status, 401);
    assert.match(challengeOf(none), /error="invalid_request"/);
  });
});
