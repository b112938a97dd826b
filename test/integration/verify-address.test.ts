// Issue 19 items 1 and 3 (B17 made practical): anyone with an unverified address can verify it, from Security & ID
// or from the proof page of an enrolment; owners and admins are offered it at the top of Security & ID (after the
// operator's reset, after changing their address); once verified and settled, "Email me a link" appears; the proof
// page and the roll-out prompt say which way applies to this user. On the branch as found there was no way to verify
// an address except the owner's and admins' "MFA on" email, and the pages offered a bare pass field.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, formOf, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { storeToday } from '../../src/services/rollout/deadline.js';
import { resetMfa } from '../../src/ops.js';

const PW = 'verify address passphrase 19';

describe('verifying an address, and the proof pages that say which way applies (issue 19 items 1, 3; B17)', () => {
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};

  before(async () => {
    // the real outbox, so the links are in the emails as sent
    stack = await startStack({}, { outbox: { pollMs: 0 } });
    storeId = await stack.createStore('deli');
    ids.olga = await stack.createUser(storeId, 'olga', 'owner', PW, { name: 'Olga Owner' });
    ids.cas = await stack.createUser(storeId, 'cas', 'cashier', PW, { name: 'Cas Cashier' });
    ids.mo = await stack.createUser(storeId, 'mo', 'manager', PW, { name: 'Mo Manager' });
    ids.rex = await stack.createUser(storeId, 'rex', 'cashier', PW, { name: 'Rex Roll-out' });
    ids.noa = await stack.createUser(storeId, 'noa', 'cashier', PW, { name: 'Noa Noaddress', email: null });
    await stack.enrol(ids.olga, 'deli', 'olga');
  });
  after(() => stack.close());

  const user = (id: string) => stack.db.models.User.findById(new Types.ObjectId(id)).lean();
  // the newest email of this type to this user, once the outbox has taken it
  const mail = async (userId: string, type: string) => {
    await stack.outbox!.drain();
    return stack.db.models.OutboxMessage.findOne({ userId: new Types.ObjectId(userId), type }).sort({ createdAt: -1 }).lean();
  };
  const linkIn = (text: string | null | undefined, path: string) => new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\S*`).exec(text ?? '')?.[0];
  const setPolicy = (policy: Record<string, unknown>) => stack.db.models.StoreAccount.updateOne({ _id: new Types.ObjectId(storeId) }, { $set: policy });

  async function account(username: string, app?: AuthenticatorApp): Promise<{ agent: Agent; page: Response }> {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'deli' }) : start;
    let page = await submit(agent, store, { username, password: PW });
    if (app) page = await submit(agent, page, { code: await app.code() });
    assert.match(page.body, /<h1>Security &amp; ID<\/h1>/, textOf(page.body).slice(0, 300));
    return { agent, page };
  }

  it('a cashier verifies their address from Security & ID; afterwards the proof page offers "Email me a link"', async () => {
    const { agent, page } = await account('cas');
    assert.match(page.body, /data-email-unverified/);
    const sent = await submit(agent, page, {}, { match: 'action="/account/email/verify"' });
    assert.equal(sent.status, 200);
    assert.match(sent.url, /done=verify_sent/);
    assert.match(textOf(sent.body), /We sent you a link\. Open it to verify your email address/);
    const email = await mail(ids.cas, 'email_verification');
    assert.equal(email?.to, 'cas@example.test', 'to the address it verifies');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'email.verification_sent', userId: new Types.ObjectId(ids.cas) }));
    // before the link is opened: a first factor needs the pass, and the page says how to get a link instead
    const before = await submit(agent, page, {}, { match: 'action="/account/mfa/setup"' });
    assert.match(before.body, /name="pass"/);
    assert.match(before.body, /data-proof-email="unverified"/);
    assert.doesNotMatch(before.body, /name="action" value="email"/);

    const verified = await new Agent().follow(linkIn(email?.text, '/account/verify-email')!);
    assert.equal(verified.status, 200);
    assert.equal((await user(ids.cas))?.emailVerified, true);
    const after = await agent.follow(`${stack.issuer}/account`);
    assert.doesNotMatch(after.body, /action="\/account\/email\/verify"/, 'nothing left to verify');
    const proof = await submit(agent, after, {}, { match: 'action="/account/mfa/setup"' });
    assert.match(proof.body, /name="action" value="email"/, '"Email me a link" is offered now');
    assert.match(textOf(proof.body), /We email a one-time link to c•••@example\.test/);
  });

  it('at sign-in, the proof page verifies the address too: then a link replaces the pass', async () => {
    await setPolicy({ 'policy.requireForManagers': true });
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
    const proof = await submit(agent, flow.page, { username: 'mo', password: PW }, { stopAt: flow.redirect });
    assert.match(proof.body, /name="pass"/);
    assert.match(textOf(proof.body), /Your email address \(m•••@example\.test\) is not verified yet/);
    const asked = await submit(agent, proof, {}, { match: 'name="action" value="verify"' });
    assert.match(textOf(asked.body), /We sent a verification link to your email address/);
    const verified = await new Agent().follow(linkIn((await mail(ids.mo, 'email_verification'))?.text, '/account/verify-email')!);
    assert.equal(verified.status, 200);
    // back on the sign-in page ("I've opened it: continue"): the link is offered, and it works
    const again = await agent.follow(new URL(/href="([^"]+)" data-verified-continue/.exec(asked.body)![1]!, asked.url).href);
    const linkSent = await submit(agent, again, {}, { match: 'name="action" value="email"' });
    assert.match(textOf(linkSent.body), /We sent a link to your email address/);
    const begin = await agent.follow(linkIn((await mail(ids.mo, 'enrolment_link'))?.text, '/enrol-link')!);
    assert.match(begin.body, /name="stage" value="begin"/, 'the wizard begins');
    await setPolicy({ 'policy.requireForManagers': false });
  });

  it('an address the user changed lately: verified, but links wait a week, and the page says until when', async () => {
    const { agent, page } = await account('cas');
    const changed = await submit(agent, page, { email: 'cas.new@example.test', password: PW }, { match: 'action="/account/email"' });
    assert.match(textOf(changed.body), /sent the new one a link to verify it/);
    const toNew = await mail(ids.cas, 'email_changed');
    const newMail = await stack.db.models.OutboxMessage.findOne({ userId: new Types.ObjectId(ids.cas), type: 'email_changed', to: 'cas.new@example.test' }).lean();
    assert.ok(toNew);
    assert.ok(linkIn(newMail?.text, '/account/verify-email'), 'the new address gets a verify button');
    const oldMail = await stack.db.models.OutboxMessage.findOne({ userId: new Types.ObjectId(ids.cas), type: 'email_changed', to: 'cas@example.test' }).lean();
    assert.equal(linkIn(oldMail?.text, '/account/verify-email'), undefined, 'the old one does not');
    await new Agent().follow(linkIn(newMail?.text, '/account/verify-email')!);
    assert.equal((await user(ids.cas))?.emailVerified, true);
    const proof = await submit(agent, await agent.follow(`${stack.issuer}/account`), {}, { match: 'action="/account/mfa/setup"' });
    assert.match(proof.body, /data-proof-email="settling"/);
    assert.match(textOf(proof.body), /links go to a changed address only 7 days after the change, from \d{1,2} \w+/);
    assert.doesNotMatch(proof.body, /name="action" value="email"/);
  });

  it('a few verification links an hour, then a translated refusal that sends nothing', async () => {
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.rex) }, { $set: { emailVerified: false } });
    const { agent, page } = await account('rex');
    const before = await stack.db.models.OutboxMessage.countDocuments({ userId: new Types.ObjectId(ids.rex), type: 'email_verification' });
    for (let i = 0; i < 3; i++) assert.match((await submit(agent, page, {}, { match: 'action="/account/email/verify"' })).url, /done=verify_sent/);
    const refused = await submit(agent, page, {}, { match: 'action="/account/email/verify"' });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /You asked for several links in the last hour/);
    await stack.outbox!.drain();
    assert.equal(await stack.db.models.OutboxMessage.countDocuments({ userId: new Types.ObjectId(ids.rex), type: 'email_verification' }), before + 3);
  });

  it('the owner after the operator\'s reset is offered verification at the top of Security & ID, and in the email', async () => {
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.olga) }, { $set: { emailVerified: false } });
    const reset = await resetMfa({ models: stack.db.models, services: stack.services }, { storePrefix: 'deli', username: 'olga', reason: 'ticket 42, identity checked', operator: 'jane', host: 'support-1' });
    assert.ok(reset.ok);
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'deli' }) : start;
    const proof = await submit(agent, store, { username: 'olga', password: PW });
    assert.match(textOf(proof.body), /Type the temporary access pass our support team gave you/, 'an owner\'s pass comes from support');
    const begin = await submit(agent, proof, { pass: reset.ok ? reset.pass : '' });
    const scan = await submit(agent, begin, { stage: 'begin' });
    const app = AuthenticatorApp.fromEnrolmentPage(scan.body);
    const code = await submit(agent, scan, { stage: 'scan' });
    const codes = await submit(agent, code, { stage: 'code', code: await app.code() });
    const page = await submit(agent, codes, { stage: 'codes', saved: '1' });
    assert.match(page.body, /<h1>Security &amp; ID<\/h1>/);
    assert.match(page.body, /data-verify-offer/, 'the offer at the top');
    assert.ok(formOf(page.body, 'action="/account/email/verify"'));
    // two "MFA reset" emails: the operator's reset, and the owner's own setting up again, which carries the verify button
    await stack.outbox!.drain();
    const resets = await stack.db.models.OutboxMessage.find({ userId: new Types.ObjectId(ids.olga), type: 'mfa_reset' }).lean();
    assert.equal(resets.length, 2);
    assert.equal(resets.filter((m) => linkIn(m.text, '/account/verify-email')).length, 1, 'the "set up again" email carries the verify button too');
    // in Dutch
    const dutch = await agent.follow(`${stack.issuer}/account?ui_locales=nl`);
    assert.match(textOf(dutch.body), /Verifieer je e-mailadres/);
  });

  it('the roll-out prompt says what "Set up now" will ask of this user', async () => {
    const deadline = storeToday(new Date(Date.now() + 10 * 86_400_000), { country: 'NL' });
    await setPolicy({ 'policy.cashierMfaBy': deadline, rollout: true });
    const prompt = async (username: string) => {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      return submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    };
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.rex) }, { $set: { emailVerified: true, emailChangedAt: null } });
    assert.match(textOf((await prompt('rex')).body), /we email a one-time link to r•••@example\.test/);
    assert.match(textOf((await prompt('noa')).body), /you need a temporary access pass from your store's owner or an administrator\./);
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(ids.rex) }, { $set: { emailVerified: false } });
    assert.match(textOf((await prompt('rex')).body), /or a link to your email address once you have verified it/);
    await setPolicy({ 'policy.cashierMfaBy': null, rollout: false });
  });
});
