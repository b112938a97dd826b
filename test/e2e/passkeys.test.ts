// Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn: ctap2, internal, resident keys, user
// verification) driven by playwright-core. Register on Security & ID, sign in on the demo POS (acr phr), a cloned
// authenticator with a lower counter is refused, and the passkey is removed (issue 11 item 4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';
import { ACR } from '../../src/provider/acr.js';

const PASSWORD = 'manager passphrase 12';

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

describe('passkeys in a browser (issue 11)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let userId: string;
  let app: AuthenticatorApp;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  const addAuthenticator = async () =>
    (
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      })
    ).authenticatorId;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('corner');
    userId = await stack.createUser(storeId, 'mara', 'manager', PASSWORD);
    app = await stack.enrol(userId, 'corner', 'mara');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    authenticatorId = await addAuthenticator();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  // "Switch user" on the demo POS: a fresh sign-in (prompt=login) in this browser, which is signed in already
  async function switchUser() {
    await page.goto(demoUrl);
    if (!(await page.locator('#switch-user').count())) {
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.waitForSelector('#switch-user');
    }
    await page.click('#switch-user');
  }

  async function password(username: string) {
    if (await page.locator('input[name="store"]').count()) {
      await page.fill('input[name="store"]', 'corner');
      await page.click('button[type="submit"]');
    }
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
  }

  it('registers a passkey on Security & ID with the browser\'s own dialog', async () => {
    await page.goto(`${stack.issuer}/account/login`);
    await password('mara');
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${stack.issuer}/account`);
    await page.click('summary:has-text("Add a passkey")');
    await page.fill('#passkey-name', 'Till 2');
    await page.fill('#password-passkey', PASSWORD);
    await page.click('form[action="/account/passkeys/new"] button[type="submit"]');
    await page.waitForURL(`${stack.issuer}/account/passkeys/register`);
    await page.click('button[data-passkey-start]');
    await page.waitForURL(`${stack.issuer}/account?done=passkey_added`);
    assert.match((await page.textContent('[role="status"]')) ?? '', /The passkey has been added\./);
    assert.match((await page.textContent('.passkeys')) ?? '', /Till 2/);
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] };
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.rpId, 'localhost');
  });

  it('signs in on the demo POS with the passkey, offered first; the token says phr', async () => {
    await switchUser();
    await password('mara');
    await page.waitForSelector('h1:has-text("Use your passkey")');
    await page.click('button[data-passkey-start]');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#acr'), ACR.phr);
    assert.equal(await page.textContent('#amr'), '["pwd","hwk","user","mfa"]');
  });

  it('refuses a cloned authenticator whose counter is lower, and audits it', async () => {
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] };
    const original = credentials[0]!;
    assert.ok(original.signCount >= 2, `signed ${original.signCount} times`);
    // a copy of the key on another authenticator, whose counter starts over
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    const clone = await addAuthenticator();
    await cdp.send('WebAuthn.addCredential', { authenticatorId: clone, credential: { ...original, signCount: 0 } });
    await switchUser();
    await password('mara');
    await page.waitForSelector('h1:has-text("Use your passkey")');
    await page.click('button[data-passkey-start]');
    await page.waitForSelector('#form-error, [role="alert"]:not([hidden])');
    assert.match((await page.textContent('main')) ?? '', /its counter went backwards/);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'mfa.passkey_counter_regression', userId }));
    // the real authenticator comes back
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: clone });
    authenticatorId = await addAuthenticator();
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: original });
    // the user takes the app instead
    await page.click('a:has-text("Use my authenticator app")');
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#acr'), ACR.mfa);
  });

  it('removes the passkey: a confirmation with the password; emailed', async () => {
    await page.goto(`${stack.issuer}/account`);
    await page.waitForURL(`${stack.issuer}/account`);
    await page.click('.passkeys a:has-text("Remove")');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button:has-text("Remove passkey")');
    await page.waitForURL(`${stack.issuer}/account?done=passkey_removed`);
    assert.match((await page.textContent('main')) ?? '', /You have no passkeys yet\./);
    assert.ok(stack.notifications.some((n) => n.type === 'passkey_removed' && n.userId === userId));
  });
});
