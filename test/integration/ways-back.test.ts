// Ways back (issue 13 item 3) over real HTTP: "Back to <client>" on Security & ID and the admin console only for a
// registered URI of that client, kept for the visit; no open redirect (checklist 78, 84); the "Trouble signing in?"
// footer only where the user is not signed in yet (B12, S6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf } from '../helpers/agent.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PASSWORD = 'manager passphrase 7';
const ADMIN_PASSWORD = 'admin passphrase 2026';
const FOOTER = /Trouble signing in\?/;

// the link as the layout renders it: [href, text], or undefined when the page has none
function backLink(html: string): [string, string] | undefined {
  const m = /<a href="([^"]*)" data-back-to-client>([\s\S]*?)<\/a>/.exec(html);
  return m ? [m[1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), textOf(m[2]!).trim()] : undefined;
}

describe('ways back to the POS (issue 13 item 3; checklist 78, 84)', () => {
  let stack: Stack;
  let home: string;
  let adminApp: AuthenticatorApp;
  let otherAdminApp: AuthenticatorApp;

  // a POS sign-in of a manager, so this agent holds a provider session for the account pages
  async function signedIn(headers: Record<string, string> = {}) {
    const agent = new Agent(headers);
    const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
    const done = await submit(agent, flow.page, { username: 'mo', password: PASSWORD }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    return agent;
  }
  const accountUrl = (params: Record<string, string>) => `${stack.issuer}/account?${new URLSearchParams(params)}`;

  before(async () => {
    stack = await startStack();
    // the demo POS's registered post-logout URI: its home page
    home = `${stack.demoUrl}/`;
    const storeId = await stack.createStore('deli', { country: 'GB' });
    await stack.createUser(storeId, 'mo', 'manager', PASSWORD);
    const adminId = await stack.createUser(storeId, 'ada', 'admin', ADMIN_PASSWORD);
    adminApp = await stack.enrol(adminId, 'deli', 'ada');
    // a second admin: one code per sign-in and user, as a code is accepted once (replay-proof TOTP)
    otherAdminApp = await stack.enrol(await stack.createUser(storeId, 'abe', 'admin', ADMIN_PASSWORD), 'deli', 'abe');
  });
  after(() => stack.close());

  it('the sign-in page keeps the "Trouble signing in?" footer and has no back link', async () => {
    const flow = await beginSignIn(stack, new Agent(), { login_hint: 'deli:' });
    assert.equal(flow.page.status, 200);
    assert.match(flow.page.body, /name="password"/);
    assert.match(flow.page.body, FOOTER);
    assert.equal(backLink(flow.page.body), undefined);
  });

  it('Security & ID opened from the POS shows "Back to Demo POS" to its registered URI, and no footer', async () => {
    const agent = await signedIn();
    const page = await agent.follow(accountUrl({ client_id: 'demo-pos', return_to: home }));
    assert.equal(page.status, 200);
    assert.deepEqual(backLink(page.body), [home, 'Back to Demo POS']);
    assert.doesNotMatch(page.body, FOOTER);
  });

  it('the link is kept across the account pages of the visit, without the parameters in their URLs', async () => {
    const agent = await signedIn();
    await agent.follow(accountUrl({ client_id: 'demo-pos', return_to: home }));
    for (const path of ['/account', '/account?done=devices', '/account/mfa/remove']) {
      const page = await agent.follow(`${stack.issuer}${path}`);
      assert.equal(page.status, 200, path);
      assert.deepEqual(backLink(page.body), [home, 'Back to Demo POS'], path);
      assert.doesNotMatch(page.body, FOOTER, path);
    }
    // anything else offered later is ignored: the remembered target stays
    const later = await agent.follow(accountUrl({ client_id: 'demo-pos', return_to: 'https://evil.example/' }));
    assert.deepEqual(backLink(later.body), [home, 'Back to Demo POS']);
  });

  it('it survives the sign-in that the account page needs first', async () => {
    const agent = new Agent();
    const start = await agent.follow(accountUrl({ client_id: 'demo-pos', return_to: home }));
    assert.match(start.body, /name="store"/, 'not signed in yet: the provider asks for the store');
    assert.match(start.body, FOOTER);
    const password = await submit(agent, start, { store: 'deli' });
    const page = await submit(agent, password, { username: 'mo', password: PASSWORD });
    assert.match(page.url, /\/account$/);
    assert.deepEqual(backLink(page.body), [home, 'Back to Demo POS']);
  });

  it('is in Dutch for a Dutch browser', async () => {
    const agent = await signedIn({ 'accept-language': 'nl' });
    const page = await agent.follow(accountUrl({ client_id: 'demo-pos', return_to: home }));
    assert.deepEqual(backLink(page.body), [home, 'Terug naar Demo POS']);
    assert.doesNotMatch(page.body, /Problemen met inloggen\?/);
  });

  it('ignores silently any target that is not exactly a registered URI of that client', async () => {
    const { origin, host } = new URL(stack.demoUrl);
    const refused: Array<[string, string]> = [
      ['demo-pos', 'https://evil.example/'],
      ['demo-pos', 'javascript:alert(document.cookie)'],
      ['demo-pos', ' javascript:alert(1)'],
      ['demo-pos', `http://${host}@evil.example/demo/`],
      ['demo-pos', `http://user:pw@${host}/demo/`],
      ['demo-pos', `${origin}/demo/reports`],
      ['demo-pos', `${home}#x`],
      ['demo-pos', `${home}?next=https://evil.example/`],
      ['demo-pos', `//evil.example/`],
      ['demo-pos', ''],
      ['no-such-client', home],
      ['demo-pos\u0000', home],
      // the provider's own consoles are no way back to a till
      ['account-console', `${stack.issuer}/account/callback`],
      ['admin-console', `${stack.issuer}/admin`],
    ];
    const agent = await signedIn();
    for (const [clientId, returnTo] of refused) {
      const page = await agent.follow(accountUrl({ client_id: clientId, return_to: returnTo }));
      assert.equal(page.status, 200, `${clientId} ${returnTo}`);
      assert.equal(backLink(page.body), undefined, `${clientId} ${returnTo}`);
      assert.doesNotMatch(page.body, /evil\.example|javascript:/, `${clientId} ${returnTo}`);
      assert.equal(agent.cookie('back-to'), undefined, 'nothing is remembered');
    }
    // the same target for another registered client that does not list it
    const other = await agent.follow(accountUrl({ client_id: 'pos-tablet', return_to: home }));
    assert.equal(backLink(other.body), undefined);
    // a tampered cookie is not believed
    agent.setCookie('back-to', Buffer.from(JSON.stringify({ c: 'demo-pos', u: 'https://evil.example/' })).toString('base64url'));
    const tampered = await agent.follow(`${stack.issuer}/account`);
    assert.equal(backLink(tampered.body), undefined);
    assert.doesNotMatch(tampered.body, /evil\.example/);
  });

  it('the admin console shows the link across its pages after its own sign-in, and no footer (B12)', async () => {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/admin?${new URLSearchParams({ store: 'deli', client_id: 'demo-pos', return_to: home })}`);
    assert.match(start.body, FOOTER, 'the sign-in page has its footer');
    const code = await submit(agent, start, { username: 'ada', password: ADMIN_PASSWORD });
    const page = await submit(agent, code, { code: await adminApp.code() });
    assert.equal(page.status, 200);
    assert.match(textOf(page.body), /Admin console/);
    for (const body of [page.body, (await agent.follow(`${stack.issuer}/admin/users`)).body, (await agent.follow(`${stack.issuer}/admin/policy`)).body]) {
      assert.deepEqual(backLink(body), [home, 'Back to Demo POS']);
      assert.doesNotMatch(body, FOOTER);
    }
  });

  it('admin pages without a visit from a client have neither the link nor the footer', async () => {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/admin?store=deli`);
    const code = await submit(agent, start, { username: 'abe', password: ADMIN_PASSWORD });
    await submit(agent, code, { code: await otherAdminApp.code() });
    const users = await agent.follow(`${stack.issuer}/admin/users`);
    assert.equal(users.status, 200);
    assert.equal(backLink(users.body), undefined);
    assert.doesNotMatch(users.body, FOOTER);
  });
});
