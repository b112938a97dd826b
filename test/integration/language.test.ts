// Mail in the reader's language (B22), one rule (issue 23): the language the person or an admin chose, else the store's
// (by country, or chosen); the language a page is shown in never changes it, so one person's emails never switch
// language; the owner's fallback in the owner's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startSmtpSink, type SmtpMessage, type SmtpSink } from '../helpers/smtp.js';

const PASSWORD = 'language passphrase 22';
// a subject without the product's name before it
const subjectOf = (m: SmtpMessage) => m.subject.replace(/^POS Sign-in: /, '');
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('mail in the reader\'s language (B22)', () => {
  let sink: SmtpSink;
  let stack: Stack;
  let gbStore: string;
  let nlStore: string;

  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, { outbox: { pollMs: 0 } });
    gbStore = await stack.createStore('teashop', { country: 'GB' });
    nlStore = await stack.createStore('bakkerij', { country: 'NL' });
    // the owner chose Dutch
    await stack.createUser(gbStore, 'owen', 'owner', PASSWORD, { name: 'Owen Owner', locale: 'nl', localeChosen: true });
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  // an email change tells the user (or, without an address, the owner): the notice we read the language of
  async function mailAbout(userId: string): Promise<SmtpMessage[]> {
    await stack.outbox!.drain();
    const mark = sink.messages.length;
    await stack.services.email.change(userId, `new-${userId}@example.test`, { actorId: userId });
    await stack.outbox!.drain();
    return sink.messages.slice(mark);
  }
  const userDoc = async (id: string) => (await stack.db.models.User.findById(id).lean())!;

  // a sign-in as a till or a browser would make it: the password, then (with an app) a code
  async function signIn(prefix: string, username: string, params: Record<string, string>, agent = new Agent(), app?: AuthenticatorApp, password = PASSWORD) {
    const flow = await beginSignIn(stack, agent, { login_hint: `${prefix}:`, prompt: 'login', ...params });
    let done = await submit(agent, flow.page, { username, password }, { stopAt: flow.redirect });
    if (app) done = await submit(agent, done, { code: await app.code() }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    return agent;
  }

  it('a new store writes to users who never used a page in its country\'s language', async () => {
    const gb = await stack.createUser(gbStore, 'gina', 'cashier', PASSWORD);
    const nl = await stack.createUser(nlStore, 'noor', 'cashier', PASSWORD);
    assert.match((await mailAbout(gb))[0]!.subject, /Email address changed/);
    assert.match((await mailAbout(nl))[0]!.subject, /E-mailadres gewijzigd/);
  });

  it('issue 23: one person\'s emails stay in one language whatever language the pages were in (a sequence of emails)', async () => {
    const id = await stack.createUser(gbStore, 'daan', 'cashier', PASSWORD);
    await stack.outbox!.drain();
    const mark = sink.messages.length;
    // a Dutch till, then an email change; an English browser; a Dutch browser and its account page, then a password
    // change; multi-factor authentication turned on; a mistyped code on a Dutch page left standing; new recovery codes
    await signIn('teashop', 'daan', { ui_locales: 'nl' });
    await stack.services.email.change(id, 'daan.one@example.test', { actorId: id });
    await signIn('teashop', 'daan', {}, new Agent({ 'accept-language': 'en-GB,en;q=0.9' }));
    const dutch = await signIn('teashop', 'daan', { ui_locales: 'nl' }, new Agent({ 'accept-language': 'nl-NL,nl;q=0.9' }));
    assert.match((await dutch.follow(`${stack.issuer}/account?ui_locales=nl`)).body, /<html lang="nl">/);
    await stack.services.passwords.change(id, 'daan new passphrase 23', { actorId: id });
    const app = await stack.enrol(id, 'teashop', 'daan');
    const till = new Agent();
    const flow = await beginSignIn(stack, till, { login_hint: 'teashop:', prompt: 'login', ui_locales: 'nl' });
    const codePage = await submit(till, flow.page, { username: 'daan', password: 'daan new passphrase 23' });
    assert.match(textOf((await submit(till, codePage, { code: '000000' })).body), /Ongeldige authenticatiecode/);
    await stack.settled();
    await stack.services.mfa.regenerateCodes(id, { actorId: id });
    // the held "wrong code" alarm is due after a few minutes: drain looking an hour ahead
    await stack.outbox!.drain({ now: new Date(Date.now() + 3_600_000) });
    const mails = sink.messages.slice(mark);
    assert.deepEqual(mails.map((m) => subjectOf(m)).sort(), [
      'Email address changed', 'Email address changed', 'Multi-factor authentication turned on', 'New recovery codes created', 'Password changed',
      'Sign-in attempt with a wrong authentication code',
    ]);
    for (const m of mails) assert.doesNotMatch(m.text, /Je ontvangt|Hallo|gewijzigd/, `${m.subject}: in the store's language (English)`);
    assert.equal((await userDoc(id)).locale ?? null, null, 'no page changed the person\'s language');

    // the person chooses Dutch: from then on every email is Dutch, whatever the pages
    await stack.services.languages.choose({ id, storeId: gbStore }, 'nl', { actorId: id });
    const later = sink.messages.length;
    await signIn('teashop', 'daan', { ui_locales: 'en' }, undefined, app, 'daan new passphrase 23');
    await stack.services.email.change(id, 'daan.two@example.test', { actorId: id });
    await stack.services.passwords.change(id, 'daan other passphrase 23', { actorId: id });
    await stack.outbox!.drain();
    const dutchMails = sink.messages.slice(later).map((m) => subjectOf(m));
    assert.deepEqual(dutchMails.sort(), ['E-mailadres gewijzigd', 'E-mailadres gewijzigd', 'Wachtwoord gewijzigd']);
  });

  it('without an address of their own, the owner gets the notice in the owner\'s language', async () => {
    const id = await stack.createUser(gbStore, 'eddie', 'cashier', PASSWORD, { email: null });
    // eddie's language (the store's, English) does not decide the owner's email
    await stack.enrol(id, 'teashop', 'eddie');
    await stack.outbox!.drain();
    const mark = sink.messages.length;
    await stack.services.mfa.remove(id, { actorId: id });
    await stack.outbox!.drain();
    const fresh = sink.messages.slice(mark);
    assert.equal(fresh.length, 1);
    assert.deepEqual(fresh[0]!.to, ['owen@example.test']);
    assert.match(fresh[0]!.subject, /Multifactorauthenticatie verwijderd/);
    assert.match(fresh[0]!.text, /Je ontvangt deze e-mail als accounteigenaar van teashop store, omdat eddie name \(eddie\) geen eigen e-mailadres heeft\./);
  });

  it('a language chosen on Security & ID wins over the store\'s and the pages\', is audited, and "automatic" goes back to the store\'s', async () => {
    const id = await stack.createUser(gbStore, 'fleur', 'cashier', PASSWORD);
    const agent = await signIn('teashop', 'fleur', { ui_locales: 'en' });
    const account = await agent.follow(`${stack.issuer}/account/login`);
    assert.match(account.body, /<option value="automatic" selected>/);

    const saved = await submit(agent, account, { locale: 'nl' }, { match: 'action="/account/language"' });
    assert.match(textOf(saved.body), /Je taal is opgeslagen\./, 'the page after the choice speaks it');
    assert.deepEqual({ locale: (await userDoc(id)).locale, chosen: (await userDoc(id)).localeChosen }, { locale: 'nl', chosen: true });
    const event = await stack.db.models.AuditEvent.findOne({ type: 'user.language_changed', userId: id }).lean();
    assert.deepEqual(event?.details, { locale: 'nl' });

    // an English sign-in no longer changes it; the account page stays Dutch in an English browser
    await signIn('teashop', 'fleur', { ui_locales: 'en' }, agent);
    assert.match((await mailAbout(id))[0]!.subject, /E-mailadres gewijzigd/);
    const again = await agent.follow(`${stack.issuer}/account`);
    assert.match(again.body, /<option value="nl" lang="nl" selected>/);

    const auto = await submit(agent, again, { locale: 'automatic' }, { match: 'action="/account/language"' });
    assert.equal(auto.status, 200);
    assert.match(textOf(auto.body), /Your language has been saved\./, 'back to the store\'s language, the page says it in English');
    assert.match(auto.body, /<option value="automatic" selected>Automatic: the store&#x27;s language \(English\)</);
    assert.equal((await userDoc(id)).localeChosen, false);
    assert.match((await mailAbout(id))[0]!.subject, /Email address changed/);
  });

  it('a made-up language is refused with a translated error and changes nothing', async () => {
    const id = await stack.createUser(gbStore, 'gus', 'cashier', PASSWORD);
    const agent = await signIn('teashop', 'gus', {}, new Agent({ 'accept-language': 'nl-NL,nl;q=0.9' }));
    const account = await agent.follow(`${stack.issuer}/account/login`);
    const csrf = csrfOf(account.body);
    const refused = await agent.request(`${stack.issuer}/account/language?ui_locales=nl`, { form: { csrf, locale: 'fr' } });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /Kies een van de talen uit de lijst\./);
    const noCsrf = await agent.request(`${stack.issuer}/account/language`, { form: { locale: 'en' } });
    assert.equal(noCsrf.status, 400);
    assert.deepEqual({ locale: (await userDoc(id)).locale ?? null, chosen: (await userDoc(id)).localeChosen ?? false }, { locale: null, chosen: false });
  });

  it('an admin sets a user\'s language and the store\'s default; both audited, a made-up one refused', async () => {
    const adminId = await stack.createUser(gbStore, 'ada', 'admin', PASSWORD);
    const app = await stack.enrol(adminId, 'teashop', 'ada');
    const agent = new Agent({ 'accept-language': 'en' });
    const start = await agent.follow(`${stack.issuer}/admin?store=teashop`);
    const code = await submit(agent, start, { username: 'ada', password: PASSWORD });
    await submit(agent, code, { code: await app.code() });

    const target = await stack.createUser(gbStore, 'hugo', 'cashier', PASSWORD);
    const page = await agent.follow(`${stack.issuer}/admin/users/${target}`);
    const saved = await submit(agent, page, { locale: 'nl' }, { match: `action="/admin/users/${target}/language"` });
    assert.match(textOf(saved.body), /The language has been saved\./);
    assert.match(saved.body, /<option value="nl" lang="nl" selected>/);
    assert.match((await mailAbout(target))[0]!.subject, /E-mailadres gewijzigd/);
    const event = await stack.db.models.AuditEvent.findOne({ type: 'user.language_changed', userId: target }).lean();
    assert.equal(String(event?.actorId), adminId);

    const refused = await agent.request(`${stack.issuer}/admin/users/${target}/language`, { form: { csrf: csrfOf(page.body), locale: 'xx' } });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /Choose one of the languages in the list\./);
    assert.equal((await userDoc(target)).locale, 'nl');

    // the store's default: Dutch for this British store, then back to its country's language
    const newcomer = await stack.createUser(gbStore, 'iris', 'cashier', PASSWORD);
    const policy = await agent.follow(`${stack.issuer}/admin/policy`);
    assert.match(policy.body, /By the store&#x27;s country \(English\)|By the store's country \(English\)/);
    await submit(agent, policy, { locale: 'nl' }, { match: 'action="/admin/policy/language"' });
    assert.match((await mailAbout(newcomer))[0]!.subject, /E-mailadres gewijzigd/);
    assert.ok(await stack.db.models.AuditEvent.findOne({ type: 'store.language_changed', storeId: gbStore }).lean());
    const back = await agent.follow(`${stack.issuer}/admin/policy`);
    await submit(agent, back, { locale: 'automatic' }, { match: 'action="/admin/policy/language"' });
    assert.match((await mailAbout(newcomer))[0]!.subject, /Email address changed/);
  });
});
