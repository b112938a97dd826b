// Breached-password warning at sign-in, password and email change on the account page (S2, S4, B7; checklist 1-11, 53).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { BREACHED_PASSWORD, beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

describe('breach check and credential changes (S2, S4, B7)', () => {
  let stack: Stack;
  let storeId: string;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('kiosk');
    await stack.createUser(storeId, 'bea', 'cashier', BREACHED_PASSWORD);
    await stack.createUser(storeId, 'ben', 'cashier', BREACHED_PASSWORD);
    await stack.createUser(storeId, 'dan', 'cashier', 'down time passphrase');
  });
  after(() => stack.close());

  it('a breached password gets a warning with its count; "change now" sets a new one (S2, checklist 8)', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
    const warning = await submit(agent, flow.page, { username: 'bea', password: BREACHED_PASSWORD });
    assert.match(textOf(warning.body), /4,321/);
    const prefixes = stack.hibp.requests.map((r) => /\/range\/([^?]*)/.exec(r)?.[1]);
    assert.ok(prefixes.length > 0 && prefixes.every((p) => /^[0-9A-F]{5}$/i.test(p ?? '')), 'only 5-character prefixes leave (checklist 14)');

    const change = (fields: Record<string, string>) =>
      submit(agent, warning, { choice: 'change', ...fields }, { match: 'value="change"', stopAt: flow.redirect });
    const tooShort = await change({ new_password: 'short', confirm_password: 'short' });
    assert.match(textOf(tooShort.body), /at least 8 characters/);
    const mismatch = await change({ new_password: 'a fine new passphrase', confirm_password: 'another one entirely' });
    assert.equal(mismatch.status, 400);
    const breached = await change({ new_password: BREACHED_PASSWORD, confirm_password: BREACHED_PASSWORD });
    assert.match(textOf(breached.body), /appeared in data breaches/);
    const done = await change({ new_password: 'a fine new passphrase 😀', confirm_password: 'a fine new passphrase 😀' });
    assert.deepEqual((await redeem(flow, done.url)).claims()!.amr, ['pwd']);
    const user = await stack.services.users.byUsername(storeId, 'bea');
    assert.equal(await stack.services.passwords.verifyUser(user!.id, 'a fine new passphrase 😀'), true);
    assert.equal(await stack.services.passwords.verifyUser(user!.id, BREACHED_PASSWORD), false);
    assert.ok(stack.notifications.some((n) => n.type === 'password_changed' && n.userId === user!.id));
  });

  it('"remind me later" signs in and the warning comes back next time (S2)', async () => {
    for (let round = 0; round < 2; round++) {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
      const warning = await submit(agent, flow.page, { username: 'ben', password: BREACHED_PASSWORD });
      assert.match(warning.body, /value="later"/, `warning shown on sign-in ${round + 1}`);
      const done = await submit(agent, warning, { choice: 'later' }, { match: 'value="later"', stopAt: flow.redirect });
      const tokens = await redeem(flow, done.url);
      assert.deepEqual(tokens.claims()!.amr, ['pwd']);
    }
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'breach.warning_dismissed' }), 2);
  });

  it('with the range API down, sign-in still works and an audit event records it (B7)', async () => {
    stack.hibp.setDown(true);
    try {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
      const done = await submit(agent, flow.page, { username: 'dan', password: 'down time passphrase' }, { stopAt: flow.redirect });
      assert.ok(done.url.startsWith(flow.redirect));
      assert.ok(await stack.db.models.AuditEvent.exists({ type: 'breach.check_unavailable' }));
    } finally {
      stack.hibp.setDown(false);
    }
  });

  it('for a user with MFA the breach warning comes only after the code (docs/security.md: breach warning after the second factor)', async () => {
    const id = await stack.createUser(storeId, 'bo', 'manager', BREACHED_PASSWORD);
    const app = await stack.enrol(id, 'kiosk', 'bo');
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
    const code = await submit(agent, flow.page, { username: 'bo', password: BREACHED_PASSWORD });
    assert.match(code.body, /name="code"/);
    assert.doesNotMatch(code.body, /value="change"/);
    const warning = await submit(agent, code, { code: await app.code() });
    assert.match(warning.body, /value="later"/);
  });

  describe('account page', () => {
    let agent: Agent;
    let userId: string;
    before(async () => {
      userId = await stack.createUser(storeId, 'cat', 'cashier', 'cat passphrase one');
      agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
      await redeem(flow, (await submit(agent, flow.page, { username: 'cat', password: 'cat passphrase one' }, { stopAt: flow.redirect })).url);
    });

    const post = async (action: string, fields: Record<string, string>) => {
      const page = await agent.follow(`${stack.issuer}/account`);
      const form = formOf(page.body, action);
      return agent.follow(new URL(action, stack.issuer).href, { form: { ...form.fields, ...fields } });
    };

    it('changing the password needs the current one and follows the rules (checklist 1, 2, 4, 11)', async () => {
      const wrong = await post('/account/password', { password: 'not my password', new_password: 'x'.repeat(12), confirm_password: 'x'.repeat(12) });
      assert.match(textOf(wrong.body), /Incorrect password/);
      const seven = await post('/account/password', { password: 'cat passphrase one', new_password: 'abcdefg', confirm_password: 'abcdefg' });
      assert.match(textOf(seven.body), /at least 8 characters/);
      const common = await post('/account/password', { password: 'cat passphrase one', new_password: 'password123', confirm_password: 'password123' });
      assert.match(textOf(common.body), /too common/);
      await stack.services.devices.remember(userId, 30, {});
      // the same user signed in on another register
      const other = new Agent();
      const elsewhere = await beginSignIn(stack, other, { login_hint: 'kiosk:' });
      await redeem(elsewhere, (await submit(other, elsewhere.page, { username: 'cat', password: 'cat passphrase one' }, { stopAt: elsewhere.redirect })).url);
      assert.equal((await other.request(`${stack.issuer}/account`)).status, 200);
      const long = `${'a b ~ ✓ '.repeat(8)}`.slice(0, 64);
      const ok = await post('/account/password', { password: 'cat passphrase one', new_password: long, confirm_password: long });
      assert.match(textOf(ok.body), /password has been changed/);
      assert.equal(await stack.services.passwords.verifyUser(userId, long), true);
      assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId }), 0, 'devices revoked (checklist 53)');
      assert.equal((await other.request(`${stack.issuer}/account`)).status, 302, 'the other session ended (checklist 53)');
      assert.equal((await agent.request(`${stack.issuer}/account`)).status, 200, 'this session stays');
      const flow = await beginSignIn(stack, agent);
      assert.ok(flow.page.url.startsWith(flow.redirect), 'and still signs in to the POS without a password');
      await stack.services.passwords.change(userId, 'cat passphrase one', { actorId: userId });
    });

    it('changing the email tells the old and the new address (S4, checklist 67)', async () => {
      const bad = await post('/account/email', { email: 'not-an-email', password: 'cat passphrase one' });
      assert.equal(bad.status, 400);
      const ok = await post('/account/email', { email: 'Cat.New@Example.test', password: 'cat passphrase one' });
      assert.match(textOf(ok.body), /email address has been changed/);
      const n = stack.notifications.find((x) => x.type === 'email_changed' && x.userId === userId);
      assert.deepEqual(n?.details, { oldEmail: 'cat@example.test', newEmail: 'cat.new@example.test' });
      const user = await stack.services.users.byId(userId);
      assert.equal(user!.email, 'cat.new@example.test');
      assert.equal(user!.emailVerified, false);
    });

    it('a breached password used to re-authenticate shows a warning (S2)', async () => {
      await stack.services.passwords.change(userId, BREACHED_PASSWORD, { actorId: userId });
      const page = await post('/account/email', { email: 'cat2@example.test', password: BREACHED_PASSWORD });
      assert.match(textOf(page.body), /appeared in known data breaches/);
    });
  });
});
