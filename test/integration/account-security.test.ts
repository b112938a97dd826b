// The user's Security & ID pages over real HTTP: set up, reset, remove MFA, new recovery codes, devices (S6, S12, S13, B10, B11).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PASSWORD = 'manager passphrase 7';
const codesOf = (html: string) => [...html.matchAll(/<code data-copy-item>([^<]+)<\/code>/g)].map((m) => m[1]!);

describe('account security pages (S6, S12, S13, B10, B11)', () => {
  let stack: Stack;
  let agent: Agent;
  let userId: string;
  let storeId: string;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('deli');
    userId = await stack.createUser(storeId, 'mo', 'manager', PASSWORD);
    agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
    const done = await submit(agent, flow.page, { username: 'mo', password: PASSWORD }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
  });
  after(() => stack.close());

  let app: AuthenticatorApp | undefined;
  // once MFA is on, a password-only session is sent for the code before it may change anything (checklist 39, 58)
  const account = async () => {
    const page = await agent.follow(`${stack.issuer}/account`);
    if (!/name="code"/.test(page.body)) return page;
    return submit(agent, page, { code: await app!.code() });
  };

  async function runWizard(start: { body: string; url: string }, action: string) {
    let begin = await submit(agent, start, {}, { match: action });
    // a first authenticator needs a second proof besides the password (B17): the pass an admin gave
    if (/name="pass"/.test(begin.body)) begin = await submit(agent, begin, { pass: await stack.accessPass(userId) }, { match: 'name="pass"' });
    const pwd = await submit(agent, begin, { stage: 'begin' });
    const scan = await submit(agent, pwd, { stage: 'password', password: PASSWORD });
    const fresh = AuthenticatorApp.fromEnrolmentPage(scan.body).continueFrom(app);
    const code = await submit(agent, scan, { stage: 'scan' });
    const shown = await submit(agent, code, { stage: 'code', code: await fresh.code() });
    const codes = codesOf(shown.body);
    const done = await submit(agent, shown, { stage: 'codes', saved: '1' });
    return { app: fresh, codes, done };
  }

  it('without a session the page sends the user to sign in', async () => {
    const res = await new Agent().request(`${stack.issuer}/account`);
    assert.equal(res.status, 302);
    assert.match(res.headers.get('location') ?? '', /\/account\/login/);
  });

  it('sets MFA up from the account page: pass, password, code, twelve codes (S6, B17)', async () => {
    const page = await account();
    assert.equal(page.status, 200);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    const wizard = await runWizard(page, '/account/mfa/setup');
    app = wizard.app;
    assert.equal(wizard.codes.length, 12);
    // the code just confirmed proved the second factor in this session: "Done" leads to the page, no second prompt
    assert.doesNotMatch(wizard.done.body, /name="code"/, 'no code prompt right after set-up (issue 10)');
    assert.match(textOf(wizard.done.body), /Multi-factor authentication is set up|Active/);
    const after = await account();
    assert.match(textOf(after.body), /Multi-factor authentication is set up|Active/);
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_enabled' && n.userId === userId));
    const user = await stack.services.users.byId(userId);
    assert.equal(user!.mfaEnabled, true);
  });

  it('a change needs the password and a CSRF token (checklist 39, 58, 60)', async () => {
    const page = await account();
    const form = formOf(page.body, '/account/mfa/codes');
    const noCsrf = await agent.request(new URL('/account/mfa/codes', stack.issuer).href, { form: { password: PASSWORD } });
    assert.equal(noCsrf.status, 400);
    const wrong = await agent.request(new URL('/account/mfa/codes', stack.issuer).href, { form: { ...form.fields, password: 'nope nope nope' } });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /Incorrect password/);
  });

  it('new recovery codes replace the old ones (B11, checklist 44)', async () => {
    const page = await account();
    const res = await submit(agent, page, { password: PASSWORD }, { match: '/account/mfa/codes' });
    const fresh = codesOf(res.body);
    assert.equal(fresh.length, 12);
    const href = /href="([^"]*codes\.txt[^"]*)"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    assert.ok(href, 'the page offers a download');
    const txt = await agent.request(`${stack.issuer}${href}`);
    assert.match(txt.headers.get('content-disposition') ?? '', /attachment/);
    assert.ok(fresh.every((c) => txt.body.includes(c)));
    // shown once (checklist 44): once another page is current, the codes are not offered again
    await account();
    assert.equal((await agent.request(`${stack.issuer}${href}`)).status, 404);
    assert.equal((await agent.request(`${stack.issuer}/account/mfa/codes.txt`)).status, 404);
    assert.equal(await stack.services.mfa.remainingCodes(userId), 12);
    assert.ok(stack.notifications.some((n) => n.type === 'recovery_codes_regenerated'));
  });

  it('reset gives a new secret and the old app stops working (S12)', async () => {
    const appOf = async () => {
      const apps = Object.values((await stack.db.models.User.findById(userId).lean())!.credentials as Record<string, { type: string; data: { secretSealed: string } }>).filter((c) => c.type === 'totp');
      assert.equal(apps.length, 1, 'one authenticator app at a time');
      return apps[0]!.data.secretSealed;
    };
    const before = await appOf();
    const reset = await runWizard(await account(), '/account/mfa/reset');
    ({ app } = reset);
    // issue 13: the banner says it was reset, not "set up"
    assert.match(textOf(reset.done.body), /Multi-factor authentication has been reset: use the new entry in your authenticator app/);
    const after = await appOf();
    assert.notEqual(after, before);
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_reset'));
    assert.equal(await stack.services.factors.totp.verifyCode(userId, await app!.code(), stack.claim()), 'ok');
  });

  it('forgetting remembered devices needs the password and shows in the store\'s audit log (B10, B5)', async () => {
    await stack.services.devices.remember(userId, 30, { ip: '127.0.0.1', userAgent: 'test' });
    const page = await account();
    const done = await submit(agent, page, { device: 'all', password: PASSWORD }, { match: '/account/devices/revoke' });
    assert.equal(done.status, 200);
    assert.equal((await stack.services.devices.list(userId)).length, 0);
    const event = await stack.db.models.AuditEvent.findOne({ type: 'device.revoked', userId }).lean();
    assert.equal(String(event?.storeId), storeId, 'the event belongs to the user\'s store, so its log lists it');
  });

  it('remove: warning, password, removed; devices are forgotten (S13, checklist 53)', async () => {
    await stack.services.devices.remember(userId, 30, { ip: '127.0.0.1', userAgent: 'test' });
    await account();
    const warning = await agent.follow(`${stack.issuer}/account/mfa/remove`);
    assert.match(textOf(warning.body), /about to remove multi-factor authentication/i);
    const pwd = await agent.follow(`${stack.issuer}/account/mfa/remove?step=password`);
    const wrong = await submit(agent, pwd, { password: 'wrong wrong wrong' });
    assert.equal(wrong.status, 400);
    assert.equal((await stack.services.users.byId(userId))!.mfaEnabled, true, 'nothing changed');
    const done = await submit(agent, wrong, { password: PASSWORD });
    assert.equal(done.status, 200);
    assert.equal((await stack.services.users.byId(userId))!.mfaEnabled, false);
    assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId }), 0);
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_removed'));
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'mfa.removed', userId }));
  });

  it('an owner can reset MFA but not remove the last factor: no Remove button, and the pages refuse (issue 13, S1)', async () => {
    const store = await stack.services.users.storeByPrefix('deli');
    const ownerId = await stack.createUser(store!.id, 'ollie', 'owner', PASSWORD);
    const ownerApp = await stack.enrol(ownerId, 'deli', 'ollie');
    const owner = new Agent();
    const flow = await beginSignIn(stack, owner, { login_hint: 'deli:' });
    const code = await submit(owner, flow.page, { username: 'ollie', password: PASSWORD }, { stopAt: flow.redirect });
    await redeem(flow, (await submit(owner, code, { code: await ownerApp.code() }, { stopAt: flow.redirect })).url);
    const page = await owner.follow(`${stack.issuer}/account`);
    assert.match(page.body, /action="\/account\/mfa\/reset"/);
    assert.doesNotMatch(page.body, /href="\/account\/mfa\/remove"/);
    assert.match(textOf(page.body), /Your role must use multi-factor authentication, so it can be reset but not removed\./);
    const direct = await owner.request(`${stack.issuer}/account/mfa/remove`);
    assert.equal(direct.status, 400);
    assert.match(textOf(direct.body), /you can reset it, but not remove it/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const posted = await owner.request(`${stack.issuer}/account/mfa/remove`, { form: { csrf, password: PASSWORD } });
    assert.equal(posted.status, 400);
    assert.equal((await stack.services.users.byId(ownerId))!.mfaEnabled, true, 'nothing changed');
  });
});

