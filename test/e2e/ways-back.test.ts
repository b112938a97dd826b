// In a real browser: from the demo POS to Security & ID and back with "Back to Demo POS" (issue 13 item 3), still
// signed in on the register; the account page has no "Trouble signing in?" footer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';

describe('a way back from Security & ID to the POS (issue 13 item 3)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('corner', { country: 'GB' });
    await stack.createUser(storeId, 'casey', 'cashier', 'cashier passphrase 9');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  it('Security & ID on the POS leads to the account page, whose "Back to Demo POS" returns to the register', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    assert.equal(await page.locator('footer.footer').count(), 1, 'the sign-in pages keep their help footer');
    await page.fill('input[name="username"]', 'casey');
    await page.fill('input[name="password"]', 'cashier passphrase 9');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);

    await page.click('#security');
    await page.waitForURL(`${stack.issuer}/account?**`);
    const back = page.locator('a[data-back-to-client]');
    assert.equal((await back.textContent())?.trim(), 'Back to Demo POS');
    assert.equal(await page.locator('footer.footer').count(), 0, 'no "Trouble signing in?" where the user is signed in');
    // still there on the next account page of the visit
    await page.goto(`${stack.issuer}/account/mfa/remove`);
    await back.click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'casey name');
    await context.close();
  });
});
