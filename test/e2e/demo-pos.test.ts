// In a real browser (Debian chromium via playwright-core): sign in on the demo POS, enrol MFA, sign in with a code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';

describe('demo POS in a browser (issue 2 item 7, S6-S8)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let adaId: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('corner');
    await stack.createUser(storeId, 'casey', 'cashier', 'cashier passphrase 9');
    adaId = await stack.createUser(storeId, 'ada', 'admin', 'admin passphrase 9');
    await stack.createUser(storeId, 'cody', 'cashier', 'cashier passphrase 8');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  async function signInWithPassword(page: Page, username: string, password: string) {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
  }

  it('a cashier signs in on the demo POS and sees their name, role, acr and amr', async () => {
    const page = await browser.newPage();
    await signInWithPassword(page, 'casey', 'cashier passphrase 9');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'casey name');
    assert.equal(await page.textContent('#role'), 'cashier');
    assert.equal(await page.textContent('#amr'), '["pwd"]');

    // S9: another cashier takes over the register; the provider ends casey's session on the way
    await page.click('#switch-user');
    await page.fill('input[name="username"]', 'cody');
    await page.fill('input[name="password"]', 'cashier passphrase 8');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cody name');
    await page.close();
  });

  it('an admin enrols MFA in the sign-in wizard and then signs in with a computed code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithPassword(page, 'ada', 'admin passphrase 9');
    // the temporary access pass an owner handed over (B17)
    await page.fill('input[name="pass"]', await stack.accessPass(adaId));
    await page.click('button[type="submit"]');
    // Begin: the password page just proved the password, so the QR code comes next
    await page.click('button[type="submit"]');
    await page.waitForSelector('svg');
    const app = AuthenticatorApp.fromEnrolmentPage(await page.content());
    await page.click('button[type="submit"]'); // Next
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]'); // Confirm
    assert.equal(await page.locator('code[data-copy-item]').count(), 12);
    await page.check('input[name="saved"]');
    await page.click('button[type="submit"]'); // Done
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pwd","otp","mfa"]');

    // switch user (S9): password and code again
    await page.click('#switch-user');
    await page.fill('input[name="username"]', 'ada');
    await page.fill('input[name="password"]', 'admin passphrase 9');
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', '000000');
    await page.click('button[type="submit"]');
    assert.match((await page.textContent('[role="alert"]')) ?? '', /Invalid authentication code entered\. Try again\./);
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'ada name');
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:mfa');
    await context.close();
  });
});
