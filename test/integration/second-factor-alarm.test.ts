// Checklist 69 without crying wolf (issue 23): a right password and a wrong code tell the user that someone knows their
// password when the sign-in is not completed with a right code within a few minutes, or at once after repeated wrong
// ones; a mistyped code followed by the right one tells nobody. Real HTTP, the real outbox, a real SMTP sink; time
// moves by the services' clock and the outbox drains at that time (no waiting).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { ALARM_AT_FAILURES, ALARM_DELAY_MS } from '../../src/services/notifications/second-factor-alarm.js';

const PASSWORD = 'alarm passphrase 69';
const ALARM = /Sign-in attempt with a wrong authentication code/;

describe('the "wrong code after the right password" alarm (checklist 69, issue 23)', () => {
  let sink: SmtpSink;
  let stack: Stack;
  let storeId: string;
  let users = 0;
  // the services' clock (moved along with the test's time); sign-ins run at offset 0, the alarm's delay is crossed
  // by moving it
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);

  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, { outbox: { pollMs: 0 }, clock });
    storeId = await stack.createStore('alarms', { country: 'GB' });
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  async function cashier(): Promise<{ username: string; app: AuthenticatorApp; address: string }> {
    offset = 0;
    const username = `till${++users}`;
    const id = await stack.createUser(storeId, username, 'cashier', PASSWORD);
    const app = await stack.enrol(id, 'alarms', username);
    await stack.outbox!.drain();
    return { username, app, address: `${username}@example.test` };
  }
  // the emails the user got by the services' time now
  async function alarmsTo(address: string) {
    await stack.settled();
    await stack.outbox!.drain({ now: stack.time.now() });
    return sink.messages.filter((m) => m.to.includes(address) && ALARM.test(m.subject));
  }
  async function codePage(username: string, agent = new Agent({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' })) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'alarms:', prompt: 'login' });
    const page = await submit(agent, flow.page, { username, password: PASSWORD });
    assert.match(page.body, /name="code"/);
    return { agent, flow, page };
  }

  it('a mistyped code followed by the right one within minutes tells nobody', async () => {
    const { username, app, address } = await cashier();
    const { agent, flow, page } = await codePage(username);
    const wrong = await submit(agent, page, { code: '000000' });
    assert.match(textOf(wrong.body), /Invalid authentication code entered/);
    const done = await submit(agent, wrong, { code: await app.code() }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    offset = 24 * 3_600_000;
    assert.equal((await alarmsTo(address)).length, 0);
  });

  it('a wrong code and then nothing: the user is told once the few minutes have passed, not before, with the browser', async () => {
    const { username, address } = await cashier();
    const { agent, page } = await codePage(username);
    await submit(agent, page, { code: '000000' });
    assert.equal((await alarmsTo(address)).length, 0, 'not at once');
    offset = ALARM_DELAY_MS - 30_000;
    assert.equal((await alarmsTo(address)).length, 0, 'not within the few minutes');
    offset = ALARM_DELAY_MS + 1_000;
    const told = await alarmsTo(address);
    assert.equal(told.length, 1);
    assert.match(told[0]!.text, /Someone entered the correct password for this account, then a wrong authentication code/);
    assert.match(told[0]!.text, /Chrome/);
    offset = 24 * 3_600_000;
    assert.equal((await alarmsTo(address)).length, 1, 'once per sign-in');
  });

  it(`${ALARM_AT_FAILURES} wrong codes in one sign-in tell the user at once, once; a right code after them withdraws nothing`, async () => {
    const { username, app, address } = await cashier();
    const { agent, flow, page } = await codePage(username);
    let last = page;
    for (let i = 0; i < ALARM_AT_FAILURES; i++) last = await submit(agent, last, { code: '000000' });
    assert.equal((await alarmsTo(address)).length, 1, 'at once');
    const done = await submit(agent, last, { code: await app.code() }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    offset = 24 * 3_600_000;
    assert.equal((await alarmsTo(address)).length, 1);
  });

  it('repeated and parallel wrong codes of one sign-in queue one alarm in the outbox, by its key (checklist 69)', async () => {
    const { username, address } = await cashier();
    const { agent, page } = await codePage(username);
    const wrong = await submit(agent, page, { code: '000000' });
    await Promise.all([submit(agent, wrong, { code: '000000' }), submit(agent, wrong, { code: '000000' })]);
    await stack.settled();
    assert.equal(await stack.db.models.OutboxMessage.countDocuments({ type: 'second_factor_failed', to: address }), 1);
    offset = 24 * 3_600_000;
    assert.equal((await alarmsTo(address)).length, 1);
  });

  it('a wrong code whose alarm could not be queued is not lost: the next wrong code of that sign-in queues it (checklist 69)', async () => {
    const { username, address } = await cashier();
    const { agent, page } = await codePage(username);
    const outbox = stack.db.models.OutboxMessage;
    const insertMany = outbox.insertMany;
    let failed = 0;
    outbox.insertMany = (async () => {
      outbox.insertMany = insertMany;
      failed++;
      throw new Error('the outbox write failed');
    }) as never;
    try {
      await submit(agent, page, { code: '000000' });
      await stack.settled();
    } finally {
      outbox.insertMany = insertMany;
    }
    assert.equal(failed, 1, 'the first wrong code tried to queue the alarm');
    assert.equal(await outbox.countDocuments({ type: 'second_factor_failed', to: address }), 0);
    const again = await submit(agent, page, { code: '000000' });
    assert.match(textOf(again.body), /Invalid authentication code entered/);
    assert.equal(await outbox.countDocuments({ type: 'second_factor_failed', to: address }), 1);
    offset = ALARM_DELAY_MS + 1_000;
    assert.equal((await alarmsTo(address)).length, 1);
  });

  it('a wrong code on one till does not stay hidden because the same person signs in right on another', async () => {
    const { username, app, address } = await cashier();
    const attacker = await codePage(username);
    await submit(attacker.agent, attacker.page, { code: '000000' });
    const own = await codePage(username);
    const done = await submit(own.agent, own.page, { code: await app.code() }, { stopAt: own.flow.redirect });
    await redeem(own.flow, done.url);
    offset = ALARM_DELAY_MS + 1_000;
    assert.equal((await alarmsTo(address)).length, 1);
  });
});
