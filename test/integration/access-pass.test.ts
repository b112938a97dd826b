// Binding a first authenticator needs a second proof (B17; checklist 38-39, 62): a temporary access pass from an
// admin or the operator, or a one-time link to the user's verified address; store policy says for whom.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { ACR } from '../../src/provider/acr.js';

const PW = 'first app passphrase 2026';

describe('a first authenticator needs more than the password (B17; checklist 38-39, 62)', () => {
  let stack: Stack;
  let storeId: string;
  let users = 0;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('kiosk');
  });
  after(() => stack.close());

  const newUser = async (role: string, extra: Record<string, unknown> = {}) => {
    const username = `${role}${++users}`;
    return { username, id: await stack.createUser(storeId, username, role, PW, extra) };
  };
  // an expired pass: issued, then its expiry moved into the past
  const passFor = async (userId: string, reason: 'new_user' | 'reset' | 'request' = 'request', expired = false) => {
    const issued = await stack.services.binding.issuePass({ id: userId, storeId }, { actorId: null }, reason);
    if (expired) await stack.db.models.AccessPass.updateOne({ _id: issued.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    return issued.pass;
  };

  async function toProof(agent: Agent, username: string, params: Record<string, string> = {}, client?: Awaited<ReturnType<Stack['client']>>) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:', ...params }, client);
    const page = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    return { flow, page };
  }

  async function finishWizard(agent: Agent, begin: { body: string; url: string }, flowRedirect: string) {
    assert.match(begin.body, /name="stage" value="begin"/, textOf(begin.body).slice(0, 300));
    // at sign-in the password page just proved the password: Begin leads to the QR code
    const scan = await submit(agent, begin, { stage: 'begin' });
    const app = AuthenticatorApp.fromEnrolmentPage(scan.body);
    const code = await submit(agent, scan, { stage: 'scan' });
    const codes = await submit(agent, code, { stage: 'code', code: await app.code() });
    return submit(agent, codes, { stage: 'codes', saved: '1' }, { stopAt: flowRedirect });
  }

  it('checklist 38, 39: an owner without MFA and a password alone gets no wizard; a wrong pass is refused; the admin\'s pass opens it', async () => {
    const { username, id } = await newUser('owner');
    const agent = new Agent();
    const { flow, page } = await toProof(agent, username);
    assert.match(page.body, /name="pass"/);
    assert.doesNotMatch(page.body, /name="stage"/, 'no enrolment wizard with the password alone');
    const wrong = await submit(agent, page, { pass: 'AAAA-BBBB-CCCC-DDDD' });
    assert.match(textOf(wrong.body), /This temporary access pass is not valid, has expired or was already used/);
    const pass = await passFor(id, 'new_user');
    const begin = await submit(agent, wrong, { pass: pass.toLowerCase() });
    const done = await finishWizard(agent, begin, flow.redirect);
    const tokens = await redeem(flow, done.url);
    assert.equal(tokens.claims()?.acr, ACR.mfa);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'access_pass.used', userId: new Types.ObjectId(id) }));

    // the pass is single-use, and it is not stored as such
    const stored = await stack.db.models.AccessPass.findOne({ userId: new Types.ObjectId(id) }).lean();
    assert.ok(stored && !JSON.stringify(stored).includes(pass.replace(/-/g, '')));
  });

  it('a pass works once, and not after it expired or was revoked', async () => {
    const { username, id } = await newUser('admin');
    const pass = await passFor(id);
    const first = new Agent();
    const a = await toProof(first, username);
    assert.match((await submit(first, a.page, { pass })).body, /name="stage" value="begin"/);
    const second = new Agent();
    const b = await toProof(second, username);
    assert.match(textOf((await submit(second, b.page, { pass })).body), /not valid, has expired or was already used/, 'used');

    const expired = await passFor(id, 'request', true);
    assert.match(textOf((await submit(second, b.page, { pass: expired })).body), /not valid/, 'expired');
    const revoked = await stack.services.binding.issuePass({ id, storeId }, { actorId: null }, 'request');
    assert.ok(await stack.services.accessPasses.revoke({ id, storeId }, revoked.id, { actorId: id }));
    assert.match(textOf((await submit(second, b.page, { pass: revoked.pass })).body), /not valid/, 'revoked');
  });

  it('B17: with a verified address, a one-time link works in the browser that is signing in, and nowhere else', async () => {
    const { username, id } = await newUser('owner', { emailVerified: true });
    const agent = new Agent();
    const { flow, page } = await toProof(agent, username);
    const form = formOf(page.body, 'value="email"');
    const sent = await agent.follow(new URL(form.action, page.url).href, { form: { ...form.fields, action: 'email' } });
    assert.match(textOf(sent.body), /We sent a link to your email address/);
    const mail = stack.notifications.find((n) => n.type === 'enrolment_link' && n.userId === id);
    const url = String(mail?.details?.url ?? '');
    assert.match(url, /\/interaction\/[^/]+\/enrol-link\?pass=/);
    const elsewhere = await new Agent().request(url);
    assert.equal(elsewhere.status, 400, 'another browser cannot use it');
    const begin = await agent.follow(url);
    const done = await finishWizard(agent, begin, flow.redirect);
    assert.ok(done.url.startsWith(flow.redirect));
    assert.equal((await agent.request(url)).status, 400, 'and it works once');
  });

  it('store policy: password-only first enrolment only until the stated date, never after an admin\'s reset; by default never, for any role (B17)', async () => {
    await stack.db.models.StoreAccount.updateOne({ _id: new Types.ObjectId(storeId) }, { $set: { 'policy.passwordEnrolmentUntil': new Date(Date.now() + 86_400_000) } });
    const { username } = await newUser('owner');
    const roll = await toProof(new Agent(), username);
    assert.match(roll.page.body, /name="stage" value="begin"/, 'the roll-out allows the password alone');
    const reset = await newUser('owner', { 'mfa.mustEnrol': true });
    assert.match((await toProof(new Agent(), reset.username)).page.body, /name="pass"/, 'not after a reset');
    await stack.db.models.StoreAccount.updateOne({ _id: new Types.ObjectId(storeId) }, { $set: { 'policy.passwordEnrolmentUntil': null } });

    // issue 19: a cashier meeting a client that demands MFA went straight to the wizard with the password alone
    const cashier = await newUser('cashier');
    const xero = await stack.client('xero-connector', 'xero-connector-secret-change-me-in-production');
    const partner = { redirect_uri: `${stack.demoUrl}/partner/callback` };
    const asked = (await toProof(new Agent(), cashier.username, partner, xero)).page.body;
    assert.match(asked, /name="pass"/);
    assert.doesNotMatch(asked, /name="stage"/);
  });

  it('an admin makes a pass on the user\'s page: shown once, listed without its value, revocable; the user is emailed', async () => {
    const owner = await newUser('owner');
    const ownerApp = await stack.enrol(owner.id, 'kiosk', owner.username);
    const target = await newUser('manager');
    const admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=kiosk`);
    const code = await submit(admin, start, { username: owner.username, password: PW });
    await submit(admin, code, { code: await ownerApp.code() });
    const page = await admin.follow(`${stack.issuer}/admin/users/${target.id}`);
    const shown = await submit(admin, page, {}, { match: `/admin/users/${target.id}/passes` });
    const pass = /<code data-copy-item>([A-Z0-9-]{19})<\/code>/.exec(shown.body)?.[1];
    assert.ok(pass, 'the pass is on the page');
    assert.ok(stack.notifications.some((n) => n.type === 'access_pass_created' && n.userId === target.id));
    const listed = await admin.follow(`${stack.issuer}/admin/users/${target.id}`);
    assert.match(textOf(listed.body), /Created on request/);
    assert.doesNotMatch(listed.body, new RegExp(pass), 'never shown again');
    const revoked = await submit(admin, listed, {}, { match: '/revoke"' });
    assert.match(textOf(revoked.body), /The temporary access pass has been revoked/);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'access_pass.revoked', userId: new Types.ObjectId(target.id) }));
  });

  it('the account page asks for a pass too before a first authenticator is set up there', async () => {
    // a cashier signs in with the password (nothing demands MFA), then opens Security & ID
    const { username, id } = await newUser('cashier');
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
    const signedIn = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    assert.ok(signedIn.url.startsWith(flow.redirect));
    const account = await agent.follow(`${stack.issuer}/account`);
    const asked = await submit(agent, account, {}, { match: '/account/mfa/setup' });
    assert.match(asked.body, /name="pass"/);
    assert.doesNotMatch(asked.body, /name="stage"/);
    const wrong = await submit(agent, asked, { pass: 'AAAA-BBBB-CCCC-DDDD' });
    assert.match(textOf(wrong.body), /not valid/);
    const begin = await submit(agent, wrong, { pass: await passFor(id) });
    assert.match(begin.body, /name="stage" value="begin"/);
  });
});
