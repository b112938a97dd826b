// Issue 19 item 4: words true to the user's factors. A passkey-only user never reads about "your authenticator app":
// not on the new recovery codes page, not at the passkey step or the recovery-code page of a sign-in, not in the
// Security & ID recovery codes section, not in their emails, and the admin's pages name the factors they have. Each
// of these said "authenticator app" on the branch as found.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { passkeyOptionsOf, SoftPasskey } from '../helpers/passkey-device.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PW = 'factor words passphrase 19';
const APP = /authenticator app/i;

describe('words true to the user\'s factors (issue 19 item 4)', () => {
  let stack: Stack;
  let storeId: string;
  let piaId: string;
  let ownerApp: AuthenticatorApp;
  const passkey = () => new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);
  let key: SoftPasskey;

  before(async () => {
    // the real outbox (without SMTP: the development catcher), so the emails are rendered as they are sent
    stack = await startStack({}, { outbox: { pollMs: 0 } });
    storeId = await stack.createStore('kiosk');
    await stack.createUser(storeId, 'olga', 'owner', PW, { name: 'Olga Owner' });
    ownerApp = await stack.enrol((await stack.services.users.byUsername(storeId, 'olga'))!.id, 'kiosk', 'olga');
    piaId = await stack.createUser(storeId, 'pia', 'cashier', PW, { name: 'Pia Passkey' });
    key = passkey();
  });
  after(() => stack.close());

  const section = (html: string, heading: string) => {
    const start = html.indexOf(`id="${heading}"`);
    return textOf(html.slice(start, html.indexOf('</section>', start)));
  };
  const mail = async (type: string) => {
    await stack.outbox!.drain();
    return stack.db.models.OutboxMessage.findOne({ userId: new Types.ObjectId(piaId), type }).sort({ createdAt: -1 }).lean();
  };

  // Security & ID with the password alone (a cashier without MFA), or with the passkey
  async function account(withPasskey: boolean): Promise<{ agent: Agent; page: Response }> {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'kiosk' }) : start;
    let page = await submit(agent, store, { username: 'pia', password: PW });
    if (withPasskey) page = await submit(agent, page, { credential: JSON.stringify(key.assert(passkeyOptionsOf(page.body))) });
    assert.match(page.body, /<h1>Security &amp; ID<\/h1>/);
    return { agent, page };
  }

  it('a first passkey: the recovery codes page and the "MFA on" email speak of the passkey', async () => {
    const { agent, page } = await account(false);
    const proof = await submit(agent, page, { name: 'Office key', password: PW }, { match: 'action="/account/passkeys/new"' });
    const register = await submit(agent, proof, { pass: await stack.accessPass(piaId) });
    const codes = await submit(agent, register, { credential: JSON.stringify(key.register(passkeyOptionsOf(register.body))) }, { match: 'action="/account/passkeys/register"' });
    assert.match(textOf(codes.body), /If you can't use your passkey, you can sign in with one of these recovery codes/);
    assert.doesNotMatch(textOf(codes.body), APP);
    const enabled = await mail('mfa_enabled');
    assert.match(enabled?.text ?? '', /signing in needs the password and the passkey/);
    assert.doesNotMatch(enabled?.text ?? '', APP);
  });

  it('at sign-in: the passkey step and the recovery-code page never mention an app', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:' });
    const step = await submit(agent, flow.page, { username: 'pia', password: PW }, { stopAt: flow.redirect });
    assert.match(step.body, /Use your passkey/);
    assert.match(step.body, /href="[^"]*\/use-recovery"[^>]*>I can&#x27;t use my passkey</);
    assert.doesNotMatch(textOf(step.body), APP);
    const recovery = await agent.follow(new URL(/href="([^"]*\/use-recovery)"/.exec(step.body)![1]!, step.url).href);
    assert.match(recovery.body, /name="code"/);
    assert.doesNotMatch(textOf(recovery.body), APP);
  });

  it('Security & ID: the recovery codes section and new recovery codes speak of the passkey', async () => {
    const { agent, page } = await account(true);
    const codesSection = section(page.body, 'recovery-heading');
    assert.match(codesSection, /If you can't use your passkey, you can sign in with a recovery code/);
    assert.doesNotMatch(codesSection, APP);
    const fresh = await submit(agent, page, { password: PW }, { match: 'action="/account/mfa/codes"' });
    assert.match(textOf(fresh.body), /Your new recovery codes/);
    assert.doesNotMatch(textOf(fresh.body), APP);
    const regenerated = await mail('recovery_codes_regenerated');
    assert.doesNotMatch(regenerated?.text ?? '', APP);
  });

  it('the admin\'s page for that user names the passkey, and the reset page says what stops working', async () => {
    const admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=kiosk`);
    const code = await submit(admin, start, { username: 'olga', password: PW });
    assert.equal((await submit(admin, code, { code: await ownerApp.code() })).status, 200);
    const user = await admin.follow(`${stack.issuer}/admin/users/${piaId}`);
    const mfa = section(user.body, 'mfa-heading');
    assert.match(mfa, /Second factors: Passkey/);
    assert.doesNotMatch(mfa, /phone|authenticator app/i);
    const reset = await admin.follow(`${stack.issuer}/admin/users/${piaId}/mfa/reset`);
    assert.match(textOf(reset.body), /Their passkeys stop working\./);
    assert.doesNotMatch(textOf(reset.body), APP);
    const dutch = await admin.follow(`${stack.issuer}/admin/users/${piaId}/mfa/reset?ui_locales=nl`);
    assert.match(textOf(dutch.body), /Hun toegangssleutels werken niet meer\./);
    // the reset itself: the email names what stopped working
    await submit(admin, reset, { confirm: 'yes', password: PW }, { match: '/mfa/reset' });
    const resetMail = await mail('mfa_reset');
    assert.match(resetMail?.text ?? '', /The passkeys and recovery codes no longer work/);
    assert.doesNotMatch(resetMail?.text ?? '', APP);
  });
});
