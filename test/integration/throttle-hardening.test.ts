// Throttling that cannot be turned against the victim (B2, B18; checklist 21-24), client addresses behind trusted
// proxies, and codes that were just used (issue 10). The provider runs behind one trusted proxy hop (TRUST_PROXY=1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { CLOSE_AFTER } from '../../src/services/throttle/index.js';

const PASSWORD = 'till passphrase 2026';
const SHOP = '198.51.100.20';
const viaProxy = (client: string, forged?: string) => new Agent({ 'x-forwarded-for': forged ? `${forged}, ${client}` : client });

describe('throttling that cannot be turned against the victim (B18; checklist 21-24)', () => {
  let stack: Stack;
  let storeId: string;
  let users = 0;

  before(async () => {
    // the real outbox (not sent: pollMs 0), where the checklist 69 alarm is queued once per sign-in by its key
    stack = await startStack({ TRUST_PROXY: '1' }, { outbox: { pollMs: 0 } });
    storeId = await stack.createStore('corner');
  });
  after(() => stack.close());

  async function cashier(): Promise<{ username: string; userId: string; app: AuthenticatorApp }> {
    const username = `till${++users}`;
    const userId = await stack.createUser(storeId, username, 'cashier', PASSWORD);
    return { username, userId, app: await stack.enrol(userId, 'corner', username) };
  }

  async function passwordThenCode(agent: Agent, username: string, password = PASSWORD) {
    // prompt=login: a browser with a live session signs in again (as a shared till does for each user)
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:', prompt: 'login' });
    return { flow, page: await submit(agent, flow.page, { username, password }, { stopAt: flow.redirect }) };
  }

  async function fullSignIn(agent: Agent, username: string, app: AuthenticatorApp) {
    const { flow, page } = await passwordThenCode(agent, username);
    assert.match(page.body, /name="code"/, textOf(page.body).slice(0, 300));
    const done = await submit(agent, page, { code: await app.code() }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect), `signed in, got ${textOf(done.body).slice(0, 300)}`);
    return redeem(flow, done.url);
  }

  const closeUnknownSources = (userId: string) =>
    stack.db.models.User.updateOne({ _id: new Types.ObjectId(userId) }, { $set: { 'throttle.failures': CLOSE_AFTER, 'throttle.lastFailureAt': new Date(), 'throttle.closedAt': new Date() } });

  it('checklist 24: after an attacker closes sign-in for unknown devices, the victim still signs in on a device used before', async () => {
    const { username, userId, app } = await cashier();
    const till = viaProxy(SHOP);
    await fullSignIn(till, username, app);
    assert.ok(till.cookie('known'), 'a full sign-in makes this browser a known device');

    await closeUnknownSources(userId);
    const attacker = viaProxy('203.0.113.66');
    const refused = await passwordThenCode(attacker, username);
    // even the right password alone tells nothing from an unknown device now: it counts only with a code (checklist 24)
    assert.match(textOf(refused.page.body), /your password counts only together with it/);
    assert.match(textOf(refused.page.body), /Sign in on a device you used before, use the unlock link we emailed/);

    await fullSignIn(till, username, app);
    const stored = await stack.db.models.User.findById(userId).lean();
    assert.equal(stored?.throttle?.failures, CLOSE_AFTER, 'the victim signing in at the till gives the attacker no fresh guesses');
    assert.ok(stored?.throttle?.closedAt);
  });

  it('checklist 22, 24: a known device counts its own failures: wrong passwords there never close it for others, and the attacker\'s never slow it', async () => {
    const { username, userId, app } = await cashier();
    const till = viaProxy(SHOP);
    await fullSignIn(till, username, app);
    // the attacker has been busy: the unknown-source count is deep in back-off
    await stack.pastFailures(`acct:${storeId}:${username}`, 20, 1);
    const typo = await passwordThenCode(till, username, 'wrong password here');
    assert.match(textOf(typo.page.body), /Incorrect username or password|Invalid username or password/);
    const stored = await stack.db.models.User.findById(userId).lean();
    assert.equal(stored?.throttle?.failures, 20, 'a typo at the till is not an unknown-source failure');
    assert.equal(stored?.throttle?.devices?.[0]?.failures, 1, 'it is the till\'s own');
    await fullSignIn(till, username, app);
  });

  it('checklist 21: one wrong guess too many from unknown devices closes sign-in for them (at 100), and an admin reopens it', async () => {
    const { username, userId } = await cashier();
    await stack.pastFailures(`acct:${storeId}:${username}`, CLOSE_AFTER - 1, 3_600);
    const attacker = viaProxy('203.0.113.67');
    const last = await passwordThenCode(attacker, username, 'guess number 100');
    assert.match(textOf(last.page.body), /Incorrect|Invalid/);
    const next = await passwordThenCode(viaProxy('203.0.113.68'), username, PASSWORD);
    assert.match(textOf(next.page.body), /your password counts only together with it.*use the unlock link we emailed/, 'closed for passwords alone, whatever the address');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'account.locked', userId: new Types.ObjectId(userId) }), 1);
    assert.equal(stack.notifications.filter((n) => n.type === 'account_locked' && n.userId === userId).length, 1, 'told once');

    const user = await stack.services.users.byId(userId);
    assert.ok(user);
    assert.ok(await stack.services.throttle.unlock(userId, user.throttle.generation, { actorId: null, storeId, via: 'admin' }));
    const open = await passwordThenCode(viaProxy('203.0.113.68'), username, PASSWORD);
    assert.match(textOf(open.page.body), /Enter your authentication code/, 'reopened: the right password alone leads on');
  });

  it('one device at a shop cannot lock out the shop\'s other users: made-up usernames from its address leave a real cashier alone', async () => {
    const { username, app } = await cashier();
    const sprayer = viaProxy('192.0.2.44');
    for (let i = 0; i < 40; i++) await passwordThenCode(sprayer, `nobody${i}`, 'not the password');
    // the real cashier at the same address, on a register that never signed them in
    await fullSignIn(viaProxy('192.0.2.44'), username, app);
  });

  it('TRUST_PROXY=1: the client address is read from the right, so a forged leftmost X-Forwarded-For is ignored (audit too)', async () => {
    const { username, userId } = await cashier();
    const forger = viaProxy('203.0.113.99', '10.0.0.1');
    await passwordThenCode(forger, username, 'a wrong password');
    const event = await stack.db.models.AuditEvent.findOne({ type: 'signin.password_failed', storeId: new Types.ObjectId(storeId), 'details.username': username }).lean();
    assert.equal(event?.ip, '203.0.113.99');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ ip: '10.0.0.1', userId: new Types.ObjectId(userId) }), 0);
  });

  it('a code that was just used is refused as "already used", counts, and alarms nobody', async () => {
    const { username, userId, app } = await cashier();
    const first = viaProxy(SHOP);
    const { flow, page } = await passwordThenCode(first, username);
    const code = await app.code();
    const done = await submit(first, page, { code }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect));
    const before = stack.notifications.filter((n) => n.type === 'second_factor_failed').length;
    const agent = viaProxy(SHOP);
    const second = await passwordThenCode(agent, username);
    const refused = await submit(agent, second.page, { code });
    assert.match(textOf(refused.body), /This code was already used\. Wait for the next code in your app\./);
    assert.equal(stack.notifications.filter((n) => n.type === 'second_factor_failed').length, before, 'no "someone knows your password" email');
    const stored = await stack.db.models.User.findById(userId).lean();
    assert.equal(stored?.throttle?.failures, 1, 'it still counts as a failed attempt');
  });

  it('checklist 69: parallel wrong codes in one sign-in send the "wrong code" email once', async () => {
    const { username, userId } = await cashier();
    const agent = viaProxy(SHOP);
    const { page } = await passwordThenCode(agent, username);
    await Promise.all(Array.from({ length: 6 }, () => submit(agent, page, { code: '000000' })));
    assert.equal(await stack.db.models.OutboxMessage.countDocuments({ type: 'second_factor_failed', userId: new Types.ObjectId(userId) }), 1);
  });
});
