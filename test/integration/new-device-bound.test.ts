// Checklist 24 (B18): whatever an attacker without the password does, the real user holding the password and a second
// factor signs in on a device the account was never used on (a replaced till, a new phone) at the first try; and an
// attacker who has the password gets no more code guesses than checklist 21 allows, while the user's known device
// keeps working. Over real HTTP and the real database; time moves by the injected clock, never by waiting.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { enrolOnClock, testClock } from '../helpers/clocked-app.js';
import { backoffSeconds, CLOSE_AFTER, MAX_BACKOFF_SECONDS } from '../../src/services/throttle/index.js';

const PASSWORD = 'replaced till passphrase';
const SHOP = '198.51.100.30';
const ELSEWHERE = (n: number) => `203.0.113.${n}`;
const viaProxy = (address: string) => new Agent({ 'x-forwarded-for': address });

describe('a victim on a new device cannot be kept out (checklist 21, 24; B18)', () => {
  let stack: Stack;
  let storeId: string;
  let users = 0;
  const clock = testClock();
  const now = clock.now;
  const later = (seconds: number) => clock.later(seconds * 1000);

  before(async () => {
    stack = await startStack({ TRUST_PROXY: '1' }, { clock: now });
    storeId = await stack.createStore('harbour');
  });
  after(() => stack.close());

  // a cashier with an authenticator app on the provider's clock
  async function cashier() {
    const username = `till${++users}`;
    const userId = await stack.createUser(storeId, username, 'cashier', PASSWORD);
    const { code, recoveryCodes } = await enrolOnClock(stack, clock, userId, 'harbour', username);
    return { username, userId, code, recoveryCodes };
  }

  const throttleOf = async (userId: string) => (await stack.db.models.User.findById(userId).lean())?.throttle;
  const setThrottle = (userId: string, set: Record<string, unknown>) => stack.db.models.User.updateOne({ _id: new Types.ObjectId(userId) }, { $set: set });

  async function passwordPage(agent: Agent) {
    return beginSignIn(stack, agent, { login_hint: 'harbour:' });
  }

  // one guess by the attacker on a device of their own: the password page, and whatever page follows
  async function guess(username: string, address: string, password = 'a wrong guess') {
    const agent = viaProxy(address);
    const flow = await passwordPage(agent);
    return submit(agent, flow.page, { username, password }, { stopAt: flow.redirect });
  }

  // the victim on a browser that never signed this account in: password, then the code, and nothing else
  async function victimSignsIn(username: string, code: () => string, address = SHOP) {
    const agent = viaProxy(address);
    const flow = await passwordPage(agent);
    const second = await submit(agent, flow.page, { username, password: PASSWORD }, { stopAt: flow.redirect });
    assert.match(second.body, /name="code"/, `a code is asked next: ${textOf(second.body).slice(0, 300)}`);
    const done = await submit(agent, second, { code: code() }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect), `signed in at the first try: ${textOf(done.body).slice(0, 300)}`);
    const tokens = await redeem(flow, done.url);
    assert.deepEqual(tokens.claims()!.amr, ['pwd', 'otp', 'mfa']);
    return agent;
  }

  const pageText = (res: Response) =>
    textOf(res.body)
      .replace(/\/interaction\/[\w-]+/g, '/interaction/UID')
      .replace(/value="[^"]*"/g, '');

  it('checklist 24: an attacker guessing around the clock never keeps the victim out of a new device: one password and one code, no waiting', async () => {
    const { username, userId, code } = await cashier();
    // the attacker starts: five guesses from one place, then one each time the back-off ends, from ever new addresses
    for (let i = 0; i < 5; i++) await guess(username, ELSEWHERE(1));
    let failures = 5;
    for (let round = 0; round < 3; round++) {
      // the attacker is right on time: the back-off has just ended, and their guess comes first ...
      later(backoffSeconds(failures));
      const refused = await guess(username, ELSEWHERE(10 + round));
      failures++;
      assert.match(textOf(refused.body), /Incorrect username or password/, 'checked and counted');
      // ... and the victim arrives during the next back-off, on a new device
      later(1);
      await victimSignsIn(username, code, ELSEWHERE(50 + round));
      // the victim's sign-in cleared the count (checklist 23): the attacker starts over, with no more guesses than before
      failures = (await throttleOf(userId))?.failures ?? -1;
      assert.equal(failures, 0);
      for (let i = 0; i < 5; i++) await guess(username, ELSEWHERE(1));
      failures = 5;
    }
  });

  it('checklist 21, 24: at 100 failures passwords from new devices are no longer checked alone, yet the victim signs in at the first try', async () => {
    const { username, userId, code } = await cashier();
    await setThrottle(userId, { 'throttle.failures': CLOSE_AFTER - 1, 'throttle.lastFailureAt': new Date(now().getTime() - 3_600_000) });
    const closing = await guess(username, ELSEWHERE(2));
    assert.match(textOf(closing.body), /Incorrect username or password/, 'the 100th guess is checked');
    assert.ok((await throttleOf(userId))?.closedAt, 'password checks from unknown devices closed');
    // the right password alone gets the attacker nothing now: the same page as a wrong one
    const right = await guess(username, ELSEWHERE(3), PASSWORD);
    assert.match(right.body, /name="code"/);
    assert.match(textOf(right.body), /No authenticator app or recovery code\? Sign in on a device you used before/);

    for (let day = 0; day < 3; day++) {
      later(20 * 60);
      await guess(username, ELSEWHERE(4 + day));
      await victimSignsIn(username, code, ELSEWHERE(60 + day));
    }
    const throttle = await throttleOf(userId);
    assert.ok(throttle?.closedAt, 'passwords alone stay closed until an admin or the emailed link reopens them (B18)');
    assert.equal(throttle?.afterPassword?.failures ?? 0, 0);
  });

  it('checklist 24: after the password a new device sees the same page, made with the same database commands, whether it was right, wrong, or for no such user', async () => {
    const { username, userId } = await cashier();
    await setThrottle(userId, { 'throttle.failures': 20, 'throttle.lastFailureAt': now() });
    // the password's submission alone: its page and its database commands
    const submitted = async (password: string, address: string) => {
      const agent = viaProxy(address);
      const flow = await passwordPage(agent);
      const mark = stack.commands.length;
      const page = await submit(agent, flow.page, { username, password });
      return { page, commands: stack.commands.slice(mark).map((c) => c.commandName) };
    };
    const right = await submitted(PASSWORD, ELSEWHERE(20));
    const wrong = await submitted('not the password', ELSEWHERE(21));
    const rightPage = right.page;
    assert.match(rightPage.body, /name="code"/);
    assert.equal(pageText(rightPage), pageText(wrong.page));
    assert.equal(rightPage.status, wrong.page.status);
    assert.deepEqual(right.commands, wrong.commands);
    // a name that does not exist, held back the same way (its count lives in this process)
    // each guess after the back-off of the one before (the clock moves, not the wall clock), so all twenty count
    for (let i = 1; i <= 20; i++) {
      await guess('nobody-by-this-name', ELSEWHERE(22));
      if (i < 20) later(backoffSeconds(i));
    }
    const nobody = await guess('nobody-by-this-name', ELSEWHERE(23), PASSWORD);
    // only the wait differs, as it does on the password page: it follows that name's own failures
    const minutes = (text: string) => text.replace(/Try again in \d+ minutes?/, 'Try again in N minutes');
    assert.equal(minutes(pageText(nobody)), minutes(pageText(rightPage)));
  });

  it('checklist 24: a wrong password with the right code and a right password with a wrong code fail alike, with the same database work; only the second emails the user (checklist 69)', async () => {
    const { username, userId, code } = await cashier();
    await setThrottle(userId, { 'throttle.failures': 30, 'throttle.lastFailureAt': now() });
    const commandsOf = async (password: string, theCode: string) => {
      const agent = viaProxy(ELSEWHERE(30));
      const flow = await passwordPage(agent);
      const page = await submit(agent, flow.page, { username, password });
      const mark = stack.commands.length;
      // the answer's own commands: what it leaves for after it (an email) waits until they are counted
      const release = stack.holdAfterAnswer();
      const answer = await submit(agent, page, { code: theCode });
      const commands = stack.commands.slice(mark).map((c) => c.commandName);
      release();
      await stack.settled();
      return { answer, commands };
    };
    const mails = () => stack.notifications.filter((n) => n.type === 'second_factor_failed' && n.userId === userId).length;
    const wrongPassword = await commandsOf('not the password', code());
    assert.equal(mails(), 0);
    const wrongCode = await commandsOf(PASSWORD, '000000');
    assert.equal(mails(), 1, 'someone who knows the password is trying: the user is told');
    assert.equal(pageText(wrongPassword.answer), pageText(wrongCode.answer));
    assert.match(textOf(wrongCode.answer.body), /the password or the code was not right/);
    // the answers themselves: the same commands in the same order (the email is written after the answer left)
    assert.deepEqual(wrongPassword.commands, wrongCode.commands);
    assert.ok(wrongCode.commands.length >= 5, wrongCode.commands.join(' '));
    const throttle = await throttleOf(userId);
    assert.equal(throttle?.failures, 32, 'both count as failures from unknown devices');
    assert.equal(throttle?.afterPassword?.failures, 1, 'only the checked code counts against the second factor');
  });

  it('checklist 21, 24: an attacker who has the password gets at most 100 code guesses from new devices; the known device still signs in (B18)', async () => {
    const { username, userId, code } = await cashier();
    const till = await victimSignsIn(username, code, SHOP);
    assert.ok(till.cookie('known'), 'the till is a known device now');
    await setThrottle(userId, {
      'throttle.failures': CLOSE_AFTER,
      'throttle.closedAt': now(),
      'throttle.lastFailureAt': now(),
      'throttle.afterPassword': { failures: CLOSE_AFTER - 1, lastFailureAt: new Date(now().getTime() - MAX_BACKOFF_SECONDS * 1000) },
    });
    // (one checked attempt per account and second: the till's sign-in just took this one)
    later(1);
    const attacker = viaProxy(ELSEWHERE(40));
    const flow = await passwordPage(attacker);
    const page = await submit(attacker, flow.page, { username, password: PASSWORD });
    await submit(attacker, page, { code: '123456' });
    assert.equal((await throttleOf(userId))?.afterPassword?.failures, CLOSE_AFTER, 'the 100th code guess was checked');
    // from now on no code is checked on a new device, not even the right one
    const again = await beginSignIn(stack, attacker, { login_hint: 'harbour:' });
    const codePage = await submit(attacker, again.page, { username, password: PASSWORD });
    const refused = await submit(attacker, codePage, { code: code() }, { stopAt: again.redirect });
    assert.ok(!refused.url.startsWith(again.redirect), 'not signed in');
    assert.equal((await throttleOf(userId))?.afterPassword?.failures, CLOSE_AFTER, 'and not counted as a code guess');
    // the user's own till is not held back by any of it
    const flowAtTill = await beginSignIn(stack, till, { login_hint: 'harbour:', prompt: 'login' });
    const tillCode = await submit(till, flowAtTill.page, { username, password: PASSWORD }, { stopAt: flowAtTill.redirect });
    const done = await submit(till, tillCode, { code: code() }, { stopAt: flowAtTill.redirect });
    assert.ok(done.url.startsWith(flowAtTill.redirect), textOf(done.body).slice(0, 300));
  });

  it('checklist 24, 46: on that page a recovery code works with the right password too, and the user then sets MFA up again (S10)', async () => {
    const { username, userId, recoveryCodes } = await cashier();
    await setThrottle(userId, { 'throttle.failures': 50, 'throttle.lastFailureAt': now() });
    const agent = viaProxy(ELSEWHERE(80));
    const flow = await passwordPage(agent);
    const page = await submit(agent, flow.page, { username, password: PASSWORD });
    assert.match(textOf(page.body), /your password counts only together with it/);
    const next = await submit(agent, page, { code: recoveryCodes[0]! }, { stopAt: flow.redirect });
    assert.match(next.body, /name="stage" value="begin"/, 'signed in with the recovery code: set up again');
    assert.equal(await stack.services.mfa.remainingCodes(userId), 11);
  });

  it('checklist 24: on the ordinary code page too, only second-factor failures hold a code back, not the attacker\'s password guesses', async () => {
    const { username, userId, code } = await cashier();
    const agent = viaProxy(ELSEWHERE(70));
    const flow = await passwordPage(agent);
    const codePage = await submit(agent, flow.page, { username, password: PASSWORD });
    assert.match(codePage.body, /name="code"/);
    // while the victim reads the code off the phone, an attacker elsewhere piles up password failures
    await setThrottle(userId, { 'throttle.failures': 40, 'throttle.lastFailureAt': now() });
    const done = await submit(agent, codePage, { code: code() }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect), textOf(done.body).slice(0, 300));
  });
});
