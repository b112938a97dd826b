// Forgot password over real HTTP, the real database and a real SMTP server (B14; checklist 25, 53, 66, 70, 86):
// the same answer for every username, a signed single-use 30-minute link, the second factor before the new
// password, the rules of a change, every session and remembered device ended, and clear errors for bad links.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, BREACHED_PASSWORD, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpMessage, type SmtpSink } from '../helpers/smtp.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { passkeyOptionsOf, SoftPasskey } from '../helpers/passkey-device.js';
import { createResetLinks, RESET_TTL_MS } from '../../src/mail/reset-link.js';
import { RESET_REQUEST_LIMITS } from '../../src/services/throttle/requests.js';

const COOKIE_KEYS = 'password-reset-test-key-0123456789abcdef';
const MIA_PASSWORD = 'mia old passphrase 1';
const MIA_NEW = 'mia brand new passphrase 2';

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const linkOf = (m: SmtpMessage) => /(http:\/\/\S+\/password-reset\/\S+)/.exec(m.text)?.[1];
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('forgot password (B14; checklist 25, 70)', () => {
  let sink: SmtpSink;
  let stack: Stack;
  let storeId: string;
  let otherStoreId: string;
  const ids: Record<string, string> = {};
  let miaApp: AuthenticatorApp;
  let addressCounter = 10;
  // every agent has an address of its own (TRUST_PROXY=1), so the per-address ceiling only bites where a test wants it
  const newAgent = (headers: Record<string, string> = {}) => new Agent({ 'x-forwarded-for': `198.51.100.${addressCounter++}`, ...headers });

  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${sink.port}`, COOKIE_KEYS, TRUST_PROXY: '1' }, { outbox: { pollMs: 0 } });
    storeId = await stack.createStore('bakery', { name: 'Bakery Bros' });
    otherStoreId = await stack.createStore('florist', { name: 'Flower Power' });
    ids.carl = await stack.createUser(storeId, 'carl', 'cashier', 'carl passphrase 1', { name: 'Carl Cashier' });
    ids.dirk = await stack.createUser(storeId, 'dirk', 'cashier', 'dirk passphrase 1', { name: 'Dirk de Vries', email: null });
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', MIA_PASSWORD, { name: 'Mia Manager' });
    ids.noor = await stack.createUser(storeId, 'noor', 'cashier', 'noor passphrase 1', { name: 'Noor Jansen', locale: 'nl' });
    ids.tom = await stack.createUser(storeId, 'tom', 'cashier', 'tom passphrase 1', { name: 'Tom Till' });
    miaApp = await stack.enrol(ids.mia, 'bakery', 'mia');
    await stack.outbox!.drain();
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
  });

  // Runs `work`, sends what is due, returns the emails it produced.
  async function mailFrom(work: () => Promise<unknown>): Promise<SmtpMessage[]> {
    await stack.outbox!.drain();
    const mark = sink.messages.length;
    await work();
    await stack.settled();
    await stack.outbox!.drain();
    return sink.messages.slice(mark);
  }

  // The password page of a sign-in at the bakery, then "Forgot your password?"
  async function forgotPage(agent: Agent, params: Record<string, string> = {}) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:', ...params });
    const href = /href="([^"]*\/forgot-password[^"]*)"/.exec(flow.page.body)?.[1];
    assert.ok(href, 'the password page links to "Forgot your password?"');
    const page = await agent.follow(new URL(decode(href), flow.page.url).href);
    return { flow, page };
  }

  async function requestReset(agent: Agent, username: string) {
    const { flow, page } = await forgotPage(agent);
    const sent = await submit(agent, page, { username });
    return { flow, page, sent };
  }

  const hashOf = async (userId: string) => (await stack.db.models.User.findById(userId).lean())?.passwordHash;
  const answerText = (res: Response) => textOf(res.body).replace(/\/interaction\/[\w-]+/g, '/interaction/UID');

  async function linkFor(username: string, agent = newAgent()) {
    const mails = await mailFrom(() => requestReset(agent, username));
    assert.equal(mails.length, 1, `one email for ${username}`);
    const link = linkOf(mails[0]!);
    assert.ok(link, 'the email carries the link');
    return { link, mail: mails[0]!, agent };
  }

  it('checklist 25: the same answer for a user with an address, an unknown username and a user without one; only the first gets an email', async () => {
    const answers: Response[] = [];
    const mails = await mailFrom(async () => {
      for (const username of ['carl', 'nobody-here', 'dirk']) {
        const { page, sent } = await requestReset(newAgent(), username);
        assert.equal(page.status, 200);
        assert.match(textOf(page.body), /Reset your password/);
        assert.match(textOf(page.body), /Bakery Bros/, 'the store is already chosen');
        assert.match(textOf(page.body), /[Aa]sk your store's owner or an administrator/, 'the page tells users without an address what to do');
        answers.push(sent);
      }
    });
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.equal(answerText(res), answerText(answers[0]!));
    }
    assert.match(textOf(answers[0]!.body), /If this username exists and has an email address, we've sent a link to that address/);
    assert.match(textOf(answers[0]!.body), /A user without an email address should ask the store's owner or an administrator/);
    // one email, to carl's own address; never to the owner on dirk's behalf, nothing for the unknown name
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['carl@example.test']);
    assert.match(mails[0]!.subject, /Reset your password/);
    assert.match(mails[0]!.text, /Choose a new password: http:\/\/localhost:\d+\/password-reset\/bakery\?token=/);
    assert.match(mails[0]!.text, /works once, for 30 minutes/);
    assert.match(mails[0]!.html, /<a href="http:\/\/localhost:\d+\/password-reset\/bakery\?token&#x3D;/);
    assert.deepEqual(
      stack.notifications.filter((n) => n.type === 'password_reset_link').map((n) => n.userId),
      [ids.carl],
    );
    // admins can see in the audit log what the page never says
    const audited = await stack.db.models.AuditEvent.find({ type: 'password_reset.requested' }).lean();
    assert.deepEqual(audited.map((e) => [e.details?.username, e.details?.sent]).sort(), [['carl', true], ['dirk', false], ['nobody-here', false]]);
  });

  it('B14: a user without a second factor sets a new password with the link alone; it never signs anyone in', async () => {
    const { link } = await linkFor('tom');
    const reader = newAgent();
    const page = await reader.follow(link);
    assert.equal(page.status, 200);
    assert.match(textOf(page.body), /Choose a new password/);
    assert.doesNotMatch(page.body, /name="code"/);
    const done = await submit(reader, page, { new_password: 'tom new passphrase 2', confirm_password: 'tom new passphrase 2' });
    assert.equal(done.status, 200);
    assert.match(textOf(done.body), /Your password has been changed/);
    assert.equal(reader.cookie('_session'), undefined, 'no provider session from a reset link');
    const signIn = newAgent();
    const flow = await beginSignIn(stack, signIn, { login_hint: 'bakery:' });
    const res = await submit(signIn, flow.page, { username: 'tom', password: 'tom new passphrase 2' }, { stopAt: flow.redirect });
    assert.ok(res.url.startsWith(flow.redirect));
    await redeem(flow, res.url);
  });

  it('checklist 70, 53, 66: the second factor first, then the rules of a change; old password fails, new works, sessions and devices end, emailed and audited', async () => {
    // another browser of mia's, signed in with her code and remembered, with a refresh token
    const other = newAgent();
    const first = await beginSignIn(stack, other, { login_hint: 'bakery:' });
    const code = await submit(other, first.page, { username: 'mia', password: MIA_PASSWORD });
    const signedIn = await submit(other, code, { code: await miaApp.code(), remember: '1' }, { stopAt: first.redirect });
    const tokens = await redeem(first, signedIn.url);
    assert.ok(tokens.refresh_token);
    assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId: ids.mia }), 1);

    const { link, agent } = await linkFor('mia');
    const before = await hashOf(ids.mia!);
    const page = await agent.follow(link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    assert.match(textOf(page.body), /Confirm it's you/);
    assert.match(page.body, /name="code"/);
    assert.doesNotMatch(page.body, /name="new_password"/, 'no new password before the second factor');
    assert.match(decode(page.body), /factor=recovery/, 'a recovery code is offered instead');

    // the new-password form posted straight away, without the second factor: refused
    const skipped = await agent.request(new URL('/password-reset/bakery/password', stack.issuer).href, {
      form: { token: tokenOf(link), new_password: MIA_NEW, confirm_password: MIA_NEW },
    });
    assert.equal(skipped.status, 400);
    assert.match(textOf(skipped.body), /Confirm it's you with your second factor first/);
    // a proof made up by the browser is no proof either
    const forged = await agent.request(new URL('/password-reset/bakery/password', stack.issuer).href, {
      form: { token: tokenOf(link), proof: 'e30.AAAA', new_password: MIA_NEW, confirm_password: MIA_NEW },
    });
    assert.equal(forged.status, 400);

    // a wrong code is refused and counted like a sign-in failure
    const failuresBefore = await stack.failures(`acct:${storeId}:mia`);
    const wrong = await submit(agent, page, { code: '000000' });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /Invalid authentication code entered/);
    assert.equal(await stack.failures(`acct:${storeId}:mia`), failuresBefore + 1);
    assert.equal(await hashOf(ids.mia!), before, 'nothing changed');

    const newForm = await submit(agent, wrong, { code: await miaApp.code() });
    assert.equal(newForm.status, 200);
    assert.match(newForm.body, /name="new_password"/);
    const short = await submit(agent, newForm, { new_password: 'short', confirm_password: 'short' });
    assert.equal(short.status, 400);
    assert.match(textOf(short.body), /at least 8 characters/);
    const breached = await submit(agent, short, { new_password: BREACHED_PASSWORD, confirm_password: BREACHED_PASSWORD });
    assert.equal(breached.status, 400);
    assert.match(textOf(breached.body), /appeared in data breaches/);
    const mismatch = await submit(agent, breached, { new_password: MIA_NEW, confirm_password: `${MIA_NEW} typo` });
    assert.equal(mismatch.status, 400);
    assert.match(textOf(mismatch.body), /passwords don.t match/);
    assert.equal(await hashOf(ids.mia!), before, 'refused passwords change nothing');

    const mails = await mailFrom(async () => {
      const done = await submit(agent, mismatch, { new_password: MIA_NEW, confirm_password: MIA_NEW });
      assert.equal(done.status, 200);
      assert.match(textOf(done.body), /Password changed/);
      // the sign-in it was asked from still exists: it continues at the password page, which asks again
      const cont = /href="(\/interaction\/[^"]+\/back-to-sign-in)"/.exec(done.body)?.[1];
      assert.ok(cont, 'offers to continue signing in');
      const again = await agent.follow(new URL(cont, stack.issuer).href);
      assert.match(again.body, /name="password"/);
      assert.match(again.body, /value="mia"/);
    });
    assert.notEqual(await hashOf(ids.mia!), before);
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.to, ['mia@example.test']);
    assert.match(mails[0]!.subject, /Password changed/);

    // the link works once
    const reused = await newAgent().follow(link);
    assert.equal(reused.status, 400);
    assert.match(textOf(reused.body), /This link was already used/);
    assert.match(textOf(reused.body), /Nothing was changed/);

    // every other session, refresh token and remembered device is gone
    assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId: ids.mia }), 0);
    await assert.rejects(oidc.refreshTokenGrant(first.config, tokens.refresh_token!));
    const silent = await beginSignIn(stack, other, { prompt: 'none' });
    assert.match(silent.page.url, /error=login_required/);

    // old password fails, the new one works (and the code is still asked)
    const signIn = newAgent();
    const flow = await beginSignIn(stack, signIn, { login_hint: 'bakery:' });
    const old = await submit(signIn, flow.page, { username: 'mia', password: MIA_PASSWORD });
    assert.match(textOf(old.body), /Incorrect username or password/);
    const ok = await submit(signIn, old, { username: 'mia', password: MIA_NEW });
    assert.match(ok.body, /name="code"/);
    const end = await submit(signIn, ok, { code: await miaApp.code() }, { stopAt: flow.redirect });
    await redeem(flow, end.url);

    const audit = await stack.db.models.AuditEvent.find({ userId: ids.mia, type: { $in: ['password.reset', 'password.changed', 'password_reset.totp_failed'] } }).lean();
    assert.deepEqual(audit.map((e) => e.type).sort(), ['password.changed', 'password.reset', 'password_reset.totp_failed']);
    assert.equal(audit.find((e) => e.type === 'password.reset')?.details?.factor, 'totp');
  });

  it('checklist 70: a passkey user proves the passkey (another origin refused); a recovery code works instead, and is used up', async () => {
    // pia: an app (with her twelve recovery codes) and a passkey added on Security & ID
    const piaPassword = 'pia passphrase 1';
    ids.pia = await stack.createUser(storeId, 'pia', 'manager', piaPassword, { name: 'Pia Passkey' });
    const pending = stack.services.factors.totp.newPendingSecret();
    const { otpauthUri } = await stack.services.factors.totp.describePending(pending, 'bakery', 'pia');
    const app = new AuthenticatorApp(new URL(otpauthUri).searchParams.get('secret')!);
    const enrolled = await stack.services.factors.totp.confirmEnrolment(ids.pia, pending, await app.code(), { actorId: ids.pia }, await stack.grant(ids.pia));
    assert.ok(enrolled.ok);
    const passkey = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);
    const account = newAgent();
    const start = await account.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(account, start, { store: 'bakery' }) : start;
    const second = await submit(account, store, { username: 'pia', password: piaPassword });
    const overview = await submit(account, second, { code: await app.code() });
    const register = await submit(account, overview, { name: 'Till 2', password: piaPassword }, { match: 'action="/account/passkeys/new"' });
    const added = await submit(account, register, { credential: JSON.stringify(passkey.register(passkeyOptionsOf(register.body))) }, { match: 'action="/account/passkeys/register"' });
    assert.match(added.body, /The passkey has been added/);

    const { link, agent } = await linkFor('pia');
    const page = await agent.follow(link);
    assert.match(textOf(page.body), /Use your passkey/);
    assert.match(decode(page.body), /factor=totp/);
    assert.match(decode(page.body), /factor=recovery/);
    const before = await hashOf(ids.pia);
    const phished = await submit(agent, page, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(page.body), { origin: 'https://evil.example' })) });
    assert.equal(phished.status, 400);
    assert.match(textOf(phished.body), /That passkey could not be checked/);
    assert.equal(await hashOf(ids.pia), before);
    const proven = await submit(agent, phished, { credential: JSON.stringify(passkey.assert(passkeyOptionsOf(phished.body))) });
    assert.match(proven.body, /name="new_password"/);
    const done = await submit(agent, proven, { new_password: 'pia second passphrase', confirm_password: 'pia second passphrase' });
    assert.match(textOf(done.body), /Your password has been changed/);
    assert.equal((await stack.db.models.AuditEvent.findOne({ userId: ids.pia, type: 'password.reset' }).lean())?.details?.factor, 'passkey');

    // a second reset with a recovery code instead: a wrong one is refused, a right one is used up
    const again = await linkFor('pia');
    const first = await again.agent.follow(again.link);
    const switchTo = /href="([^"]*factor=recovery[^"]*)"/.exec(decode(first.body))?.[1];
    assert.ok(switchTo);
    const recovery = await again.agent.follow(new URL(switchTo, stack.issuer).href);
    assert.match(textOf(recovery.body), /Recovery code/);
    const wrong = await submit(again.agent, recovery, { code: 'AAAA-BBBB-CCCC' });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /That recovery code is not valid or has already been used/);
    const right = await submit(again.agent, wrong, { code: enrolled.ok ? enrolled.codes[0]! : '' });
    assert.match(right.body, /name="new_password"/);
    const finished = await submit(again.agent, right, { new_password: 'pia third passphrase', confirm_password: 'pia third passphrase' });
    assert.match(textOf(finished.body), /Your password has been changed/);
    const pia = await stack.services.users.byId(ids.pia);
    assert.equal(pia?.mustEnrol, true, 'after a recovery code MFA is set up again (S10)');
  });

  it('checklist 86: two parallel submissions of one link change the password once', async () => {
    const { link } = await linkFor('carl');
    const page = await newAgent().follow(link);
    const form = { token: tokenOf(link), ui_locales: 'en' };
    const url = new URL('/password-reset/bakery/password', stack.issuer).href;
    const results = await Promise.all(
      ['carl parallel passphrase A', 'carl parallel passphrase B'].map((pw) => newAgent().request(url, { form: { ...form, new_password: pw, confirm_password: pw } })),
    );
    assert.equal(page.status, 200);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ userId: ids.carl, type: 'password.reset' }), 1);
  });

  it('expired, tampered, other-store and foreign-store links get clear errors and change nothing', async () => {
    const { link } = await linkFor('noor');
    const before = await hashOf(ids.noor!);
    const token = tokenOf(link);
    const claims = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, string>;

    // expired: the same signer, 31 minutes ago
    const past = createResetLinks({ cookieKeys: [COOKIE_KEYS], clock: () => new Date(Date.now() - RESET_TTL_MS - 60_000) });
    const expired = past.sign({ u: claims.u!, s: claims.s!, p: claims.p!, n: 'expired-nonce', i: '' });
    const url = (path: string, t: string) => `${stack.issuer}${path}?${new URLSearchParams({ token: t, ui_locales: 'en' })}`;
    const expiredPage = await newAgent().follow(url('/password-reset/bakery', expired));
    assert.equal(expiredPage.status, 400);
    assert.match(textOf(expiredPage.body), /The link has expired: it works for 30 minutes/);

    // tampered: another user's id in the signed part
    const altered = `${Buffer.from(JSON.stringify({ ...claims, u: ids.carl })).toString('base64url')}.${token.split('.')[1]}`;
    const tampered = await newAgent().follow(url('/password-reset/bakery', altered));
    assert.equal(tampered.status, 400);
    assert.match(textOf(tampered.body), /The link is not valid/);
    const truncated = await newAgent().follow(url('/password-reset/bakery', token.slice(0, -3)));
    assert.match(textOf(truncated.body), /The link is not valid/);

    // the real link opened under another store's address, and a signed link whose store is not the user's
    const elsewhere = await newAgent().follow(url('/password-reset/florist', token));
    assert.equal(elsewhere.status, 400);
    assert.match(textOf(elsewhere.body), /This link is for another store/);
    const now = createResetLinks({ cookieKeys: [COOKIE_KEYS], clock: () => new Date() });
    const foreign = now.sign({ u: claims.u!, s: otherStoreId, p: claims.p!, n: 'foreign-nonce', i: '' });
    const foreignPage = await newAgent().follow(url('/password-reset/florist', foreign));
    assert.equal(foreignPage.status, 400);
    assert.match(textOf(foreignPage.body), /This link is for another store/);

    // posting with any of them changes nothing either
    for (const [path, t] of [['bakery', expired], ['bakery', altered], ['florist', token], ['florist', foreign]] as const) {
      const res = await newAgent().request(`${stack.issuer}/password-reset/${path}/password`, { form: { token: t, new_password: 'noor new passphrase 9', confirm_password: 'noor new passphrase 9' } });
      assert.equal(res.status, 400);
      assert.match(textOf(res.body), /This link cannot be used/);
    }
    assert.equal(await hashOf(ids.noor!), before);
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ userId: ids.noor, type: 'password.reset' }), 0);
  });

  it('B8: the pages and the email in Dutch', async () => {
    const agent = newAgent({ 'accept-language': 'nl-NL,nl;q=0.9' });
    const { page } = await forgotPage(agent);
    assert.match(page.body, /<html lang="nl">/);
    assert.match(textOf(page.body), /Wachtwoord opnieuw instellen/);
    assert.match(textOf(page.body), /Vraag de accounteigenaar of een beheerder van je winkel/);
    const mails = await mailFrom(async () => {
      const sent = await submit(agent, page, { username: 'noor' });
      assert.match(textOf(sent.body), /Als deze gebruikersnaam bestaat en een e-mailadres heeft, hebben we een link naar dat adres gestuurd/);
    });
    // noor reads Dutch (her stored language), and the link opens in the language she asked in
    assert.match(mails[0]!.subject, /Je wachtwoord opnieuw instellen/);
    assert.match(mails[0]!.text, /Nieuw wachtwoord kiezen: http/);
    const reset = await newAgent().follow(linkOf(mails[0]!)!);
    assert.match(reset.body, /<html lang="nl">/);
    assert.match(textOf(reset.body), /Kies een nieuw wachtwoord/);
    const short = await submit(newAgent(), reset, { new_password: 'kort', confirm_password: 'kort' });
    assert.match(textOf(short.body), /Je wachtwoord moet minstens 8 tekens lang zijn/);
  });

  it('B2: requests are limited per account (unknown names alike) and per address', async () => {
    const { perAccount, perAddress } = RESET_REQUEST_LIMITS;
    for (const username of ['carl', 'ghost-user']) {
      for (let i = 0; i < perAccount; i++) {
        const { sent } = await requestReset(newAgent(), `${username}`);
        // carl already asked above in this hour: his earlier requests count too
        if (username === 'ghost-user') assert.equal(sent.status, 200, `${username} request ${i + 1}`);
      }
      const { sent: refused } = await requestReset(newAgent(), username);
      assert.equal(refused.status, 400, `${username}: request ${perAccount + 1} is refused`);
      assert.match(textOf(refused.body), /Too many requests for a new password\. Try again in \d+ minutes?/);
    }
    // one address spraying usernames reaches its ceiling too
    const sprayer = newAgent();
    for (let i = 0; i < perAddress; i++) {
      const { sent } = await requestReset(sprayer, `spray-${i}`);
      assert.equal(sent.status, 200, `request ${i + 1} from one address`);
    }
    const { sent: ceiling } = await requestReset(sprayer, 'spray-last');
    assert.equal(ceiling.status, 400);
    assert.match(textOf(ceiling.body), /Too many requests for a new password/);
  });
});
