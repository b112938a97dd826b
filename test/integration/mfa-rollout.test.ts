// MFA roll-out with deadlines over real HTTP, the real database and a real SMTP sink (B21; B8, B17, B22; checklist
// 38-39, 51): the Policy page's per-role date, the sign-in prompt before it ("Set up now" / "Remind me later"), enforcement
// after it, reminders a week and a day before (once, also when the job runs twice at once), the MFA coverage page with
// its reminder button, and the owner's weekly summary while anyone is overdue.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpMessage, type SmtpSink } from '../helpers/smtp.js';
import { declaredIndexes, unservedFilters } from '../helpers/index-coverage.js';
import { storeToday } from '../../src/services/rollout/deadline.js';
import { ACR } from '../../src/provider/acr.js';

const PW = 'roll-out passphrase 2026';
const DAY = 86_400_000;

describe('MFA roll-out with deadlines (B21)', () => {
  let stack: Stack;
  let sink: SmtpSink;
  let storeId: string;
  const ids: Record<string, string> = {};
  let adminApp: AuthenticatorApp;
  // the services' clock, moved by whole days for the job's tests; sign-ins run at offset 0
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  // a date `days` from the services' today, in the store's time zone (NL)
  const inDays = (days: number) => storeToday(new Date(clock().getTime() + days * DAY), { country: 'NL' });

  const setDeadlines = (p: { cashier?: string | null; manager?: string | null }) =>
    stack.db.models.StoreAccount.updateOne(
      { _id: new Types.ObjectId(storeId) },
      { $set: { 'policy.cashierMfaBy': p.cashier ?? null, 'policy.managerMfaBy': p.manager ?? null, rollout: Boolean(p.cashier || p.manager) } },
    );

  const signIn = async (username: string, params: Record<string, string> = {}) => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'deli:', ...params });
    const page = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    return { agent, flow, page };
  };

  // the messages sent so far (after sending whatever earlier steps queued)
  const mark = async () => {
    await stack.outbox!.drain();
    return sink.messages.length;
  };
  // mail that went out since `from` (drained now), to `to`
  const sent = async (from: number, to?: string): Promise<SmtpMessage[]> => {
    await stack.outbox!.drain();
    return sink.messages.slice(from).filter((m) => !to || m.to.includes(to));
  };

  async function adminAgent(): Promise<Agent> {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/admin?store=deli`);
    const code = await submit(agent, start, { username: 'adam', password: PW });
    const home = await submit(agent, code, { code: await adminApp.code() });
    assert.equal(home.status, 200, textOf(home.body).slice(0, 200));
    return agent;
  }

  before(async () => {
    sink = await startSmtpSink();
    // pollMs 0: only drain() sends, so each test decides when mail goes out
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, { clock, outbox: { pollMs: 0 } });
    storeId = await stack.createStore('deli');
    ids.owner = await stack.createUser(storeId, 'olga', 'owner', PW, { locale: 'en' });
    ids.admin = await stack.createUser(storeId, 'adam', 'admin', PW);
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', PW);
    ids.cas = await stack.createUser(storeId, 'cas', 'cashier', PW);
    ids.eve = await stack.createUser(storeId, 'eve', 'cashier', PW, { locale: 'en' });
    ids.noa = await stack.createUser(storeId, 'noa', 'cashier', PW, { email: null });
    await stack.enrol(ids.owner, 'deli', 'olga');
    adminApp = await stack.enrol(ids.admin, 'deli', 'adam');
  });
  after(async () => {
    await stack.close();
    await sink.close();
  });

  it('the Policy page sets a date per role, audited (admin.policy_changed); an impossible date is refused with a translated error', async () => {
    const agent = await adminAgent();
    const page = await agent.follow(`${stack.issuer}/admin/policy`);
    assert.match(textOf(page.body), /Cashiers must set it up by/);
    assert.match(textOf(page.body), /the last day they can still sign in without it \(store time\)/);
    const deadline = inDays(12);
    const saved = await submit(agent, page, { cashierMfaBy: deadline, managerMfaBy: '', rememberDeviceAllowed: 'on' }, { match: 'action="/admin/policy"' });
    assert.equal(saved.status, 200);
    const store = await stack.services.users.storeById(storeId);
    assert.equal(store?.policy.cashierMfaBy, deadline);
    assert.equal(store?.policy.managerMfaBy, null);
    const event = await stack.db.models.AuditEvent.findOne({ type: 'admin.policy_changed', storeId: new Types.ObjectId(storeId) }).lean<{ details: { changed: string[] } }>();
    assert.deepEqual(event?.details.changed, ['cashierMfaBy']);
    assert.equal(await stack.db.models.StoreAccount.countDocuments({ _id: new Types.ObjectId(storeId), rollout: true }), 1, 'the job finds the store by its flag');

    const refused = await submit(agent, saved, { cashierMfaBy: '2027-02-30', rememberDeviceAllowed: 'on' }, { match: 'action="/admin/policy"' });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /Enter a real date for the roll-out deadline/);
    assert.equal((await stack.services.users.storeById(storeId))?.policy.cashierMfaBy, deadline, 'nothing changed');
  });

  it('before the deadline: the prompt counts down the days; "Remind me later" signs in with the password only (amr pwd) and asks again next time', async () => {
    await setDeadlines({ cashier: inDays(12) });
    const { agent, flow, page } = await signIn('cas');
    const text = textOf(page.body);
    assert.match(text, /Your store asks you to set up multi-factor authentication by \d{1,2} \w+ \d{4}\. 12 days left\./);
    const later = await submit(agent, page, { choice: 'later' }, { stopAt: flow.redirect });
    assert.ok(later.url.startsWith(flow.redirect), 'the sign-in continues');
    const tokens = await redeem(flow, later.url);
    assert.deepEqual(tokens.claims()?.amr, ['pwd']);
    assert.equal(tokens.claims()?.acr, ACR.pwd);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'rollout.postponed', userId: new Types.ObjectId(ids.cas) }));
    assert.equal((await stack.services.users.byId(ids.cas))?.mfaEnabled, false);

    const again = await signIn('cas');
    assert.match(textOf(again.page.body), /12 days left/, 'asked again at the next sign-in');

    // a client that needs MFA asks for it: no prompt, no "later", the enrolment with its proof
    const demanded = await signIn('cas', { acr_values: ACR.mfa });
    assert.doesNotMatch(textOf(demanded.page.body), /Remind me later/);
    assert.match(demanded.page.body, /name="pass"/);

    await setDeadlines({ cashier: inDays(1) });
    assert.match(textOf((await signIn('cas')).page.body), /\b1 day left\./, 'singular');
    await setDeadlines({ cashier: inDays(0) });
    assert.match(textOf((await signIn('cas')).page.body), /Today is the last day\./);
  });

  it('B8: the prompt in Dutch, with Dutch plural forms', async () => {
    await setDeadlines({ cashier: inDays(12) });
    const dutch = textOf((await signIn('cas', { ui_locales: 'nl' })).page.body);
    assert.match(dutch, /Je winkel vraagt je om multifactorauthenticatie in te stellen uiterlijk op \d{1,2} [a-z]+ \d{4}\. Nog 12 dagen\./);
    assert.match(dutch, /Nu instellen/);
    assert.match(dutch, /Later herinneren/);
    await setDeadlines({ cashier: inDays(1) });
    assert.match(textOf((await signIn('cas', { ui_locales: 'nl' })).page.body), /Nog 1 dag\./);
  });

  it('"Set up now" needs the proof a requirement needs (B17: a pass), can still be put off, and then enrols: the token says MFA', async () => {
    await setDeadlines({ cashier: inDays(12) });
    const first = await signIn('eve');
    const proof = await submit(first.agent, first.page, { choice: 'now' });
    assert.match(proof.body, /name="pass"/, 'a password alone never binds an authenticator, not even early');
    assert.doesNotMatch(proof.body, /name="stage"/);
    const laterUrl = /href="([^"]*\/rollout-later)"/.exec(proof.body)?.[1];
    assert.ok(laterUrl, 'Not now: remind me later');
    const putOff = await first.agent.follow(new URL(laterUrl, proof.url).href, { stopAt: first.flow.redirect });
    assert.deepEqual((await redeem(first.flow, putOff.url)).claims()?.amr, ['pwd']);

    const second = await signIn('eve');
    const proof2 = await submit(second.agent, second.page, { choice: 'now' });
    const begin = await submit(second.agent, proof2, { pass: await stack.accessPass(ids.eve) });
    const scan = await submit(second.agent, begin, { stage: 'begin' });
    const app = AuthenticatorApp.fromEnrolmentPage(scan.body);
    const code = await submit(second.agent, scan, { stage: 'scan' });
    const codes = await submit(second.agent, code, { stage: 'code', code: await app.code() });
    const done = await submit(second.agent, codes, { stage: 'codes', saved: '1' }, { stopAt: second.flow.redirect });
    const claims = (await redeem(second.flow, done.url)).claims();
    assert.equal(claims?.acr, ACR.mfa);
    assert.ok(((claims?.amr ?? []) as string[]).includes('mfa'));
    assert.equal((await stack.services.users.byId(ids.eve))?.mfaEnabled, true);
    // enrolled: no prompt any more, the code is asked
    assert.match((await signIn('eve')).page.body, /name="code"/);
  });

  it('after the deadline it is enforced: no prompt, no "later" (not even by its URL), the enrolment the policy requires', async () => {
    await setDeadlines({ cashier: inDays(-1) });
    const { agent, flow, page } = await signIn('cas');
    assert.doesNotMatch(textOf(page.body), /Remind me later/);
    assert.match(page.body, /name="pass"/, 'mandatory enrolment, with the pass B17 requires');
    assert.doesNotMatch(page.body, /rollout-later/);
    const uid = new URL(page.url).pathname.split('/')[2];
    const forged = await agent.request(`${stack.issuer}/interaction/${uid}/rollout-later`);
    assert.equal(forged.status, 400);
    const still = await agent.follow(`${stack.issuer}/interaction/${uid}`, { stopAt: flow.redirect });
    assert.match(still.body, /name="pass"/, 'still asked for the pass; no token without MFA');
    assert.ok(!still.url.startsWith(flow.redirect));
    // the admin console names the reason
    const user = (await stack.services.users.byId(ids.cas))!;
    assert.deepEqual(stack.services.policy.reasons(user, (await stack.services.users.storeById(storeId))!, { requireMfa: false }), ['store_deadline']);
  });

  it('the job reminds a week and a day before, once each, in the reader\'s language, even when it runs twice at once; the owner for a user without an address', async () => {
    const from = await mark();
    const deadline = inDays(10);
    await setDeadlines({ cashier: deadline });
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.eve) }, { $set: { 'mfa.enabled': false } });
    // cas last used the sign-in pages in English (B22 remembers that): back to the store's language for this test
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.cas) }, { $set: { locale: null } });
    try {
      offset = 2 * DAY; // 8 days left: nothing yet
      await stack.services.rollout.runSchedule();
      assert.equal((await sent(from)).length, 0);

      offset = 3 * DAY; // 7 days left
      await Promise.all([stack.services.rollout.runSchedule(), stack.services.rollout.runSchedule()]);
      await stack.services.rollout.runSchedule();
      const week = await sent(from);
      assert.deepEqual(week.map((m) => m.to[0]).sort(), ['cas@example.test', 'eve@example.test', 'olga@example.test'], 'one each; mia has no deadline');
      // noa has no address: the owner gets it on noa's behalf, in the owner's language (S4, B22)
      const forNoa = week.find((m) => m.to.includes('olga@example.test'))!;
      assert.match(forNoa.subject, /\(noa name\)$/);
      assert.match(forNoa.text, /because noa name \(noa\) has no email address of their own/);
      assert.match(forNoa.text, /Please pass this on to noa name\. They will need a temporary access pass/);
      const dutch = week.find((m) => m.to.includes('cas@example.test'))!;
      assert.match(dutch.subject, /: Stel multifactorauthenticatie in uiterlijk op \d{1,2} [a-z]+ \d{4}$/);
      assert.match(dutch.text, /Nog 7 dagen\./);
      const english = week.find((m) => m.to.includes('eve@example.test'))!;
      assert.match(english.subject, /: Set up multi-factor authentication by \d{1,2} [A-Z][a-z]+ \d{4}$/);
      assert.match(english.text, /7 days left\./);

      offset = 5 * DAY; // 5 days left: the week's reminder was sent already
      await stack.services.rollout.runSchedule();
      assert.equal((await sent(from)).length, 3);

      offset = 9 * DAY; // 1 day left
      await Promise.all([stack.services.rollout.runSchedule(), stack.services.rollout.runSchedule()]);
      const all = await sent(from);
      assert.equal(all.length, 6);
      assert.match(all.filter((m) => m.to.includes('eve@example.test'))[1]!.text, /\b1 day left\./);
      assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'rollout.reminder_sent', storeId: new Types.ObjectId(storeId) }), 6, 'each audited once');
      assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'rollout.summary_sent', storeId: new Types.ObjectId(storeId) }), 0, 'nobody overdue: no summary');
    } finally {
      offset = 0;
    }
  });

  it('the owner\'s weekly summary: once per ISO week while anyone is overdue, in the owner\'s language, naming who has no address; none when nobody is overdue', async () => {
    const from = await mark();
    await setDeadlines({ cashier: inDays(-3) });
    try {
      await Promise.all([stack.services.rollout.runSchedule(), stack.services.rollout.runSchedule()]);
      await stack.services.rollout.runSchedule();
      const first = await sent(from, 'olga@example.test');
      assert.equal(first.length, 1);
      assert.match(first[0]!.subject, /: MFA roll-out at deli store: some users are overdue$/);
      assert.match(first[0]!.text, /Cashier: 3 users: 0 enrolled, 0 not yet \(deadline ahead\), 3 overdue/);
      assert.match(first[0]!.text, /noa name \(Cashier\) – no email address, give them a temporary access pass/);
      assert.equal((await sent(from)).length, 1, 'overdue users get no reminder emails from the job');

      offset = 7 * DAY; // the next ISO week
      await stack.services.rollout.runSchedule();
      assert.equal((await sent(from, 'olga@example.test')).length, 2);

      // everyone set up (or left): no summary the week after
      offset = 14 * DAY;
      await stack.db.models.User.updateMany({ _id: { $in: [ids.cas, ids.eve].map((id) => new Types.ObjectId(id)) } }, { $set: { 'mfa.enabled': true } });
      await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.noa) }, { $set: { active: false } });
      await stack.services.rollout.runSchedule();
      assert.equal((await sent(from, 'olga@example.test')).length, 2);
    } finally {
      offset = 0;
      await stack.db.models.User.updateMany({ _id: { $in: [ids.cas, ids.eve].map((id) => new Types.ObjectId(id)) } }, { $set: { 'mfa.enabled': false } });
      await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.noa) }, { $set: { active: true } });
    }
  });

  it('MFA coverage: counts per role from a fixed number of indexed commands, whatever the number of users; reminder once a day; a pass for those without email', async () => {
    await setDeadlines({ cashier: inDays(12), manager: inDays(-1) });
    const agent = await adminAgent();
    const load = async () => {
      const start = stack.commands.length;
      const res = await agent.request(`${stack.issuer}/admin/mfa-coverage`);
      return { status: res.status, body: res.body, url: `${stack.issuer}/admin/mfa-coverage`, commands: stack.commands.slice(start) };
    };
    const page = await load();
    assert.equal(page.status, 200);
    const row = (role: string, count: string) => new RegExp(`data-role="${role}"[\\s\\S]*?data-count="${count}">(?:<span[^>]*>)?(\\d+)`).exec(page.body)?.[1];
    assert.deepEqual(['total', 'active', 'due', 'overdue'].map((c) => row('cashier', c)), ['3', '0', '3', '0']);
    assert.deepEqual(['total', 'active', 'due', 'overdue'].map((c) => row('manager', c)), ['1', '0', '0', '1']);
    assert.deepEqual(['total', 'active', 'overdue'].map((c) => row('admin', c)), ['1', '1', '0']);
    assert.match(page.body, /data-label="Overdue"/);
    assert.match(textOf(page.body), /noa name/);
    assert.match(page.body, new RegExp(`action="/admin/users/${ids.noa}/passes"`), 'no address: a temporary access pass instead');
    assert.doesNotMatch(page.body, new RegExp(`action="/admin/mfa-coverage/users/${ids.noa}/remind"`));
    assert.deepEqual(unservedFilters(page.commands, declaredIndexes(stack.db.models)), []);
    // the admin session and user, one aggregation for every count, one indexed list of users without MFA
    assert.ok(page.commands.length <= 4, page.commands.map((c) => c.commandName).join(' '));
    assert.equal(page.commands.filter((c) => c.commandName === 'aggregate').length, 1);

    // twenty more cashiers cost no extra command
    for (let i = 0; i < 20; i++) await stack.createUser(storeId, `extra${i}`, 'cashier', PW, { active: i % 2 === 0 });
    const bigger = await load();
    assert.match(bigger.body, /data-role="cashier"[\s\S]*?data-count="total">13</, 'deactivated users are not counted');
    assert.equal(bigger.commands.length, page.commands.length, bigger.commands.map((c) => c.commandName).join(' '));

    const from = await mark();
    const form = formOf(bigger.body, `action="/admin/mfa-coverage/users/${ids.mia}/remind"`);
    const remind = () => agent.follow(new URL(form.action, bigger.url).href, { form: form.fields });
    assert.match(textOf((await remind()).body), /The reminder has been sent\./);
    assert.match(textOf((await remind()).body), /already reminded today; no new email was sent/);
    const mail = await sent(from, 'mia@example.test');
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.subject, /: Stel multifactorauthenticatie in als je de volgende keer inlogt$/, 'overdue: the Dutch wording for the next sign-in');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'rollout.reminder_sent', userId: new Types.ObjectId(ids.mia), actorId: new Types.ObjectId(ids.admin) }));

    const all = formOf(bigger.body, 'action="/admin/mfa-coverage/remind-all"');
    const done = await agent.follow(new URL(all.action, bigger.url).href, { form: all.fields });
    assert.match(textOf(done.body), /12 reminders have been sent\. Users already reminded today were skipped\./);

    // B8: the page in Dutch
    const dutch = await agent.follow(`${stack.issuer}/admin/mfa-coverage?ui_locales=nl`);
    assert.match(textOf(dutch.body), /MFA-dekking/);
    assert.match(dutch.body, /data-label="Te laat"/);
    assert.match(textOf(dutch.body), /Verplicht uiterlijk op \d{1,2} [a-z]+ \d{4}/);
    assert.match(textOf(dutch.body), /Herinnering sturen/);

    // without the session's CSRF token nothing is sent
    const before = await mark();
    const forged = await agent.request(new URL(form.action, bigger.url).href, { method: 'POST', form: { csrf: 'nope' } });
    assert.equal(forged.status, 403);
    assert.equal((await sent(before)).length, 0);
  });
});
