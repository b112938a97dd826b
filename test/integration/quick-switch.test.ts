// Quick switching on a trusted register over real HTTP (B19): an admin trusts the register from the register itself,
// the day's full sign-in opens PIN switching there, more privilege (and owners/admins always) needs the full sign-in,
// 5 wrong PINs end it, other registers / no cookie / a revoked register / the next business day refuse it, and tokens
// say amr ["pin"], the switch acr and name the register, which no MFA-demanding client or resource accepts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import pino from 'pino';
import { Agent, textOf, type Response } from '../helpers/agent.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { ACR } from '../../src/provider/acr.js';
import { startDemoPos } from '../../src/demo/pos.js';
import { businessDayEnd } from '../../src/services/quick-switch/business-day.js';

const PW: Record<string, string> = {
  olga: 'owner passphrase 2026',
  adam: 'admin passphrase 2026',
  mia: 'manager passphrase 2026',
  cara: 'cashier passphrase one',
  cole: 'cashier passphrase two',
  sam: 'cashier passphrase three',
};
const PIN = { mia: '4096', cara: '2580', cole: '7315', adam: '8642' };
const SWITCH = { prompt: 'login', acr_values: ACR.switch };

describe('quick switching on a trusted register (B19)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let storeId: string;
  const ids: Record<string, string> = {};
  const apps: Record<string, AuthenticatorApp> = {};
  // the register's browser: the admin trusts it, staff sign in on it
  const till = new Agent();
  let registerId: string;

  const events = async (type: string, userId?: string) =>
    stack.db.models.AuditEvent.find({ type, ...(userId ? { userId: new Types.ObjectId(userId) } : {}) }).lean();

  // a full sign-in (password + code) of a POS client on this browser, up to the tokens
  async function fullSignIn(agent: Agent, username: string, params: Record<string, string> = { prompt: 'login' }) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:', ...params });
    const page = flow.page;
    assert.match(page.body, /name="password"/, 'the full sign-in asks for the password');
    let code = await submit(agent, page, { username, password: PW[username]! }, { stopAt: flow.redirect });
    // wrong PINs on this register slow this user's attempts here for a moment (their known-device count, B18): the
    // provider's clock moves past it
    while (/Too many attempts\. Wait/.test(code.body)) {
      stack.time.later(1500);
      code = await submit(agent, code, { username, password: PW[username]! }, { stopAt: flow.redirect });
    }
    assert.match(code.body, /name="code"/);
    const done = await submit(agent, code, { code: await apps[username]!.code() }, { stopAt: flow.redirect });
    return redeem(flow, done.url);
  }

  // the admin console on this browser, signed in with password + code (B12)
  async function adminConsole(agent: Agent, username = 'adam') {
    const start = await agent.follow(`${stack.issuer}/admin?store=corner`);
    const code = await submit(agent, start, { username, password: PW[username]! });
    return submit(agent, code, { code: await apps[username]!.code() });
  }

  // "Who is switching in?" on this browser
  async function switchGrid(agent: Agent, params: Record<string, string> = {}) {
    return beginSignIn(stack, agent, { ...SWITCH, ...params });
  }

  // one PIN attempt; a throttle pause (one attempt per second, back-off after 4 failures) passes on the provider's clock
  async function pinAttempt(agent: Agent, page: Response, pin: string, stopAt: string): Promise<Response> {
    for (;;) {
      const res = await submit(agent, page, { pin }, { stopAt });
      if (!/Too many attempts|Te veel pogingen|wait \d+ second|seconden/.test(textOf(res.body)) || res.url.startsWith(stopAt)) return res;
      stack.time.later(1500);
    }
  }

  const tile = (html: string, userId: string) => new RegExp(`name="pick" value="${userId}"[^>]*>[\\s\\S]*?</button>`).exec(html)?.[0];

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    storeId = await stack.createStore('corner');
    ids.olga = await stack.createUser(storeId, 'olga', 'owner', PW.olga!);
    ids.adam = await stack.createUser(storeId, 'adam', 'admin', PW.adam!);
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', PW.mia!);
    ids.cara = await stack.createUser(storeId, 'cara', 'cashier', PW.cara!);
    ids.cole = await stack.createUser(storeId, 'cole', 'cashier', PW.cole!);
    ids.sam = await stack.createUser(storeId, 'sam', 'cashier', PW.sam!);
    for (const name of ['olga', 'adam', 'mia', 'cara', 'cole', 'sam']) apps[name] = await stack.enrol(ids[name]!, 'corner', name);
    for (const name of ['mia', 'cara', 'cole'] as const) {
      const done = await stack.services.quickSwitch.setPin({ id: ids[name]!, storeId }, PIN[name], PIN[name]);
      assert.ok(done.ok);
    }
    // an admin's PIN from before they were refused one: it must still never let them switch in
    await stack.db.models.UserPin.create({ userId: new Types.ObjectId(ids.adam), hash: await stack.services.passwords.hash(PIN.adam), setAt: new Date() });
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  it('an admin trusts the register from the register itself: named, listed, audited, the owner is emailed', async () => {
    await adminConsole(till);
    const list = await till.follow(`${stack.issuer}/admin/registers`);
    assert.equal(list.status, 200);
    assert.match(list.body, /Trust this register/);
    const bad = await submit(till, list, { name: '   ' }, { match: 'action="/admin/registers"' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Give the register a name of 1 to 40 characters\./);
    const done = await submit(till, list, { name: 'Till 2' }, { match: 'action="/admin/registers"' });
    assert.equal(done.status, 200);
    assert.match(done.body, /This browser is the trusted register &quot;Till 2&quot;\./);
    assert.match(done.body, /data-label="Name">Till 2 <span class="badge badge-on">This browser/);
    assert.ok(till.cookie('register'), 'the register cookie is set (__Host- with an https issuer)');
    const [record] = await stack.db.models.Register.find({ storeId: new Types.ObjectId(storeId) }).lean();
    assert.ok(record);
    registerId = String(record._id);
    assert.equal(record.name, 'Till 2');
    assert.notEqual(record.secretHash, till.cookie('register'), 'only a hash of the secret is stored');
    const [trusted] = await events('register.trusted', ids.adam);
    assert.equal(trusted?.details?.register, 'Till 2');
    assert.ok(stack.notifications.some((n) => n.type === 'register_trusted' && n.userId === ids.olga && n.details?.register === 'Till 2'));
    // one register per browser
    const again = await till.request(`${stack.issuer}/admin/registers`, { form: { csrf: /name="csrf" value="([^"]+)"/.exec(done.body)![1]!, name: 'Till 9' } });
    assert.equal(again.status, 409);
    assert.equal(await stack.db.models.Register.countDocuments({ storeId: new Types.ObjectId(storeId) }), 1);
  });

  it('after the day\'s full sign-in there, a PIN switches back: amr ["pin"], the switch acr, the register claim', async () => {
    const full = (await fullSignIn(till, 'cara')).claims()!;
    assert.equal(full.acr, ACR.mfa);
    assert.equal(full.register, undefined, 'a full sign-in is not a quick switch');
    assert.equal((await events('quick_switch.opened', ids.cara)).length, 1);
    // mia (manager) signs in fully after her: she is the register's current user now
    await fullSignIn(till, 'mia');
    const flow = await switchGrid(till);
    assert.match(flow.page.body, /Who is switching in\?/);
    assert.match(flow.page.body, /Register: Till 2/);
    assert.match(tile(flow.page.body, ids.cara!) ?? '', /cara name[\s\S]*Cashier[\s\S]*PIN/);
    assert.doesNotMatch(flow.page.body, new RegExp(ids.cole!), 'only who signed in fully here today is listed');
    const pinPage = await submit(till, flow.page, { pick: ids.cara! }, { stopAt: flow.redirect });
    assert.match(pinPage.body, /Hello cara name, enter your PIN/);
    const before = Math.floor(Date.now() / 1000);
    const done = await pinAttempt(till, pinPage, PIN.cara, flow.redirect);
    assert.ok(done.url.startsWith(flow.redirect), 'a right PIN ends the sign-in');
    const tokens = await redeem(flow, done.url);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, ids.cara);
    assert.deepEqual(claims.amr, ['pin']);
    assert.equal(claims.acr, ACR.switch);
    assert.deepEqual(claims.register, { id: registerId, name: 'Till 2' });
    assert.ok(Number(claims.auth_time) >= before - 1, 'auth_time is the switch');
    assert.equal((await events('quick_switch.switched', ids.cara)).length, 1);
    const success = (await events('signin.success', ids.cara)).at(-1);
    assert.deepEqual(success?.details?.amr, ['pin']);
  });

  it('a quick-switch token is refused by everything that demands MFA: require_mfa client, acr_values, essential acr, the reports API', async () => {
    // the register's session is cara's quick switch now
    // (1) the reports resource server (RFC 9470): a switch access token gets the step-up challenge
    const reports = await beginSignIn(stack, till, { scope: 'openid reports:read', resource: `${demoUrl}/api/reports` });
    assert.ok(reports.page.url.startsWith(reports.redirect), 'no prompt: a client asking for nothing accepts the switch session');
    const token = (await redeem(reports, reports.page.url)).access_token;
    const access = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(access.acr, ACR.switch);
    assert.deepEqual(access.amr, ['pin']);
    assert.deepEqual(access.register, { id: registerId, name: 'Till 2' }, 'the JWT access token names the register too');
    const api = await fetch(`${demoUrl}/api/reports`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(api.status, 401);
    assert.match(api.headers.get('www-authenticate') ?? '', /insufficient_user_authentication/);
    // (2) acr_values naming MFA: the full sign-in, the password included (a PIN session never steps up with a code alone)
    const mfa = await beginSignIn(stack, till, { acr_values: ACR.mfa });
    assert.match(mfa.page.body, /name="password"/);
    assert.doesNotMatch(mfa.page.body, /Who is switching in/);
    // (3) acr_values naming the password level refuses a PIN session too
    const pwd = await beginSignIn(stack, till, { acr_values: ACR.pwd });
    assert.match(pwd.page.body, /name="password"/);
    // (4) a require_mfa client (the partner integration)
    const xero = await stack.client('xero-connector', 'xero-connector-secret-change-me-in-production');
    const partner = await beginSignIn(stack, till, { redirect_uri: `${demoUrl}/partner/callback` }, xero);
    assert.match(partner.page.body, /name="password"/);
    assert.ok(!partner.page.url.startsWith(partner.redirect), 'no code for a PIN session');
    // (5) an essential acr claim for MFA together with the switch level: MFA wins, no grid
    const essential = await beginSignIn(stack, till, { ...SWITCH, claims: JSON.stringify({ id_token: { acr: { essential: true, values: [ACR.mfa] } } }) });
    assert.doesNotMatch(essential.page.body, /Who is switching in/);
  });

  it('more privilege than the current user needs the full sign-in; owners and admins always', async () => {
    // cara (cashier) is the current user: mia (manager) may not switch in by PIN
    const flow = await switchGrid(till);
    assert.match(tile(flow.page.body, ids.mia!) ?? flow.page.body, /Password and code/);
    const page = await submit(till, flow.page, { pick: ids.mia! }, { stopAt: flow.redirect });
    assert.match(page.body, /name="password"/);
    assert.match(page.body, /name="username" type="text" value="mia"/, 'the full sign-in, for mia');
    assert.doesNotMatch(page.body, /name="pin"/);
    // adam (admin, PIN set) signs in fully here: even switching back to himself, an admin always signs in fully
    await fullSignIn(till, 'adam');
    const again = await switchGrid(till);
    assert.match(tile(again.page.body, ids.adam!) ?? '', /Password and code/);
    const admin = await submit(till, again.page, { pick: ids.adam! }, { stopAt: again.redirect });
    assert.match(admin.body, /name="password"/);
    assert.match(admin.body, /value="adam"/);
  });

  it('a user without a PIN, or not on today\'s list, or a forged pick, gets no PIN page', async () => {
    await fullSignIn(till, 'sam');
    // sam is current now; cara may switch in (cashier <= cashier) but sam has no PIN
    const flow = await switchGrid(till);
    assert.match(tile(flow.page.body, ids.sam!) ?? '', /Password and code/);
    const full = await submit(till, flow.page, { pick: ids.sam! }, { stopAt: flow.redirect });
    assert.match(full.body, /name="password"/);
    for (const pick of [ids.cole!, 'not-an-id', '{"$ne":null}']) {
      const grid = await switchGrid(till);
      const refused = await submit(till, grid.page, { pick }, { stopAt: grid.redirect });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Quick switching is not available for this person right now\./);
      assert.doesNotMatch(refused.body, /name="pin"/);
    }
  });

  it('5 wrong PINs end quick switching for that user on that register until their next full sign-in; the account is not locked', async () => {
    await fullSignIn(till, 'cole');
    await fullSignIn(till, 'mia');
    const flow = await switchGrid(till);
    let page = await submit(till, flow.page, { pick: ids.cole! }, { stopAt: flow.redirect });
    for (let i = 1; i <= 4; i++) {
      page = await pinAttempt(till, page, '1357', flow.redirect);
      assert.equal(page.status, 400);
      assert.match(page.body, new RegExp(`Wrong PIN\\. ${5 - i} tries? left`));
    }
    page = await pinAttempt(till, page, '1357', flow.redirect);
    assert.match(page.body, /Too many wrong PINs\. Quick switching has ended for you on this register/);
    assert.doesNotMatch(page.body, /name="pin"/);
    assert.equal(tile(page.body, ids.cole!), undefined, 'cole is no longer on the list');
    assert.equal((await events('quick_switch.ended', ids.cole)).length, 1);
    assert.equal((await events('quick_switch.pin_failed', ids.cole)).length, 5);
    // the right PIN now: still refused
    const grid = await switchGrid(till);
    const forged = await submit(till, grid.page, { pick: ids.cole! }, { stopAt: grid.redirect });
    assert.match(forged.body, /Quick switching is not available/);
    // guesses on the shared register count on that register only: cole's sign-in elsewhere is not slowed (B18)
    assert.equal(await stack.failures(`acct:${storeId}:cole`), 0);
    // the next full sign-in there opens it again
    await fullSignIn(till, 'cole');
    await fullSignIn(till, 'mia');
    const reopened = await switchGrid(till);
    assert.match(tile(reopened.page.body, ids.cole!) ?? '', /PIN/);
  });

  it('another register, a browser without the cookie, and the next business day refuse it', async () => {
    // a browser without the register cookie: no grid, but why not (issue 23), then the ordinary sign-in
    const plain = new Agent();
    const noCookie = await switchGrid(plain, { login_hint: 'corner:' });
    assert.doesNotMatch(noCookie.page.body, /Who is switching in/);
    assert.match(noCookie.page.body, /This browser is not a trusted register of your store/);
    assert.match((await submit(plain, noCookie.page, {})).body, /name="password"/);
    // a forged cookie is no register either
    const forged = new Agent();
    forged.setCookie('register', 'A'.repeat(43));
    const forgedPage = (await switchGrid(forged, { login_hint: 'corner:' })).page.body;
    assert.doesNotMatch(forgedPage, /Who is switching in/);
    assert.match(forgedPage, /This browser is not a trusted register of your store/);
    // another trusted register: nobody signed in fully there today
    const till3 = new Agent();
    await adminConsole(till3);
    const list = await till3.follow(`${stack.issuer}/admin/registers`);
    await submit(till3, list, { name: 'Till 3' }, { match: 'action="/admin/registers"' });
    const other = await switchGrid(till3);
    assert.match(other.page.body, /Register: Till 3/);
    assert.equal(tile(other.page.body, ids.cara!), undefined);
    const refused = await submit(till3, other.page, { pick: ids.cara! }, { stopAt: other.redirect });
    assert.match(refused.body, /Quick switching is not available/);
    // the business day ends (the store's day boundary, recorded at the full sign-in): cara is off the list
    await stack.db.models.RegisterSignIn.updateOne(
      { registerId: new Types.ObjectId(registerId), userId: new Types.ObjectId(ids.cara!) },
      { $set: { validUntil: new Date(Date.now() - 1000) } },
    );
    const nextDay = await switchGrid(till);
    assert.equal(tile(nextDay.page.body, ids.cara!), undefined);
    const late = await submit(till, nextDay.page, { pick: ids.cara! }, { stopAt: nextDay.redirect });
    assert.match(late.body, /Quick switching is not available/);
  });

  it('an admin sets the business day (time zone, start hour); the next full sign-in there lasts until then', async () => {
    const admin = new Agent();
    await adminConsole(admin, 'olga');
    const list = await admin.follow(`${stack.issuer}/admin/registers`);
    assert.match(list.body, /Now in effect: Europe\/Amsterdam/, 'by the store\'s country (NL)');
    const bad = await submit(admin, list, { timeZone: 'Mars/Olympus', startHour: '4' }, { match: 'business-day' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Choose a time zone from the list/);
    assert.equal((await stack.db.models.StoreAccount.findById(storeId).lean())?.policy?.timeZone, null, 'nothing changed');
    const saved = await submit(admin, list, { timeZone: 'Europe/London', startHour: '4' }, { match: 'business-day' });
    assert.match(saved.body, /The business day was saved/);
    assert.match(saved.body, /Now in effect: Europe\/London/);
    assert.equal((await events('store.business_day_changed', ids.olga)).length, 1);
    const before = new Date();
    await fullSignIn(till, 'cara');
    const entry = await stack.db.models.RegisterSignIn.findOne({ registerId: new Types.ObjectId(registerId), userId: new Types.ObjectId(ids.cara!) }).lean();
    const expected = businessDayEnd(before, 'Europe/London', 4).getTime();
    assert.ok(Math.abs((entry?.validUntil.getTime() ?? 0) - expected) < 1000, 'until 04:00 London time');
  });

  it('revoking the register in the admin console ends quick switching there at once', async () => {
    // the owner, from the back office
    const admin = new Agent();
    await adminConsole(admin, 'olga');
    const list = await admin.follow(`${stack.issuer}/admin/registers`);
    assert.match(list.body, /Till 2[\s\S]*Till 3/);
    const revoked = await submit(admin, list, {}, { match: `/admin/registers/${registerId}/revoke` });
    assert.equal(revoked.status, 200);
    assert.match(revoked.body, /The register was revoked\./);
    assert.match(revoked.body, /Revoked /);
    assert.equal((await events('register.revoked', ids.olga)).length, 1);
    // mia and cole signed in fully on Till 2 today, but Till 2 is no register any more
    const flow = await switchGrid(till);
    assert.doesNotMatch(flow.page.body, /Who is switching in/);
    assert.match(flow.page.body, /This register is no longer trusted/);
    assert.match((await submit(till, flow.page, {})).body, /name="password"/);
  });

  it('Security & ID: set, change and remove the PIN with the password again; trivial PINs refused; emailed and audited', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
    const code = await submit(agent, flow.page, { username: 'sam', password: PW.sam! }, { stopAt: flow.redirect });
    await redeem(flow, (await submit(agent, code, { code: await apps.sam!.code() }, { stopAt: flow.redirect })).url);
    const page = await agent.follow(`${stack.issuer}/account`);
    assert.match(page.body, /PIN for quick switching/);
    assert.match(page.body, /You have no PIN\./);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const post = (path: string, form: Record<string, string>) => agent.request(`${stack.issuer}${path}`, { form: { csrf, ...form } });
    for (const [pin, message] of [
      ['1234', /too easy to guess/],
      ['0000', /too easy to guess/],
      ['9876', /too easy to guess/],
      ['1212', /too easy to guess/],
      ['12a4', /4 to 8 digits and nothing else/],
      ['123', /4 to 8 digits and nothing else/],
      ['123456789', /4 to 8 digits and nothing else/],
    ] as const) {
      const res = await post('/account/pin', { pin, pin_repeat: pin, password: PW.sam! });
      assert.equal(res.status, 400, pin);
      assert.match(res.body, message, pin);
    }
    assert.match((await post('/account/pin', { pin: '5193', pin_repeat: '5139', password: PW.sam! })).body, /The two PINs are not the same\./);
    const wrongPassword = await post('/account/pin', { pin: '5193', pin_repeat: '5193', password: 'not the password' });
    assert.equal(wrongPassword.status, 400);
    assert.equal(await stack.services.quickSwitch.hasPin(ids.sam!), false, 'nothing changed');
    const set = await post('/account/pin', { pin: '5193', pin_repeat: '5193', password: PW.sam! });
    assert.equal(set.status, 303);
    assert.equal(set.headers.get('location'), '/account?done=pin_set');
    const stored = await stack.db.models.UserPin.findOne({ userId: new Types.ObjectId(ids.sam!) }).lean();
    assert.match(stored?.hash ?? '', /^\$argon2id\$/);
    assert.ok(!(stored?.hash ?? '').includes('5193'));
    assert.ok(stack.notifications.some((n) => n.type === 'pin_changed' && n.userId === ids.sam && n.details?.change === 'set'));
    assert.equal((await events('quick_switch.pin_set', ids.sam)).length, 1);
    const changed = await post('/account/pin', { pin: '6027', pin_repeat: '6027', password: PW.sam! });
    assert.equal(changed.headers.get('location'), '/account?done=pin_changed');
    assert.match((await agent.follow(`${stack.issuer}/account?done=pin_changed`)).body, /Your PIN was changed\./);
    const removed = await post('/account/pin/remove', { password: PW.sam! });
    assert.equal(removed.headers.get('location'), '/account?done=pin_removed');
    assert.equal(await stack.services.quickSwitch.hasPin(ids.sam!), false);
    assert.ok(stack.notifications.some((n) => n.type === 'pin_changed' && n.userId === ids.sam && n.details?.change === 'removed'));
    assert.equal((await events('quick_switch.pin_removed', ids.sam)).length, 1);
  });

  it('issue 19 item 6: owners and admins, who can never switch in with a PIN, are never offered one (B19)', async () => {
    for (const username of ['olga', 'adam']) {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
      const code = await submit(agent, flow.page, { username, password: PW[username]! }, { stopAt: flow.redirect });
      await redeem(flow, (await submit(agent, code, { code: await apps[username]!.code() }, { stopAt: flow.redirect })).url);
      const page = await agent.follow(`${stack.issuer}/account`);
      assert.doesNotMatch(page.body, /action="\/account\/pin"/, `${username}: no form to set a PIN`);
      assert.doesNotMatch(textOf(page.body), /Set a PIN|Change PIN/, username);
      // and the request a page would have sent is refused, with words, changing nothing
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const had = await stack.services.quickSwitch.hasPin(ids[username]!);
      const refused = await agent.request(`${stack.issuer}/account/pin`, { form: { csrf, pin: '5193', pin_repeat: '5193', password: PW[username]! } });
      assert.equal(refused.status, 400, username);
      assert.match(textOf(refused.body), /Owners and administrators always sign in with their password and code/);
      assert.equal(await stack.services.quickSwitch.hasPin(ids[username]!), had, `${username}: nothing changed`);
      if (had) {
        // an old PIN is shown only to be removed
        assert.match(textOf(page.body), /your PIN is never used\. You can remove it\./);
        assert.match(page.body, /action="\/account\/pin\/remove"/);
      }
    }
  });
});
