// In a real browser (Debian chromium via playwright-core): the development mail page shows an email's HTML in its
// sandboxed frame, styled, and its "Verify email address" button opens the provider in a new tab (issue 12 item 5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('development mail in a browser (issue 12 item 5)', () => {
  let stack: Stack;
  let browser: Browser;
  let ownerId: string;

  before(async () => {
    stack = await startStack({}, { outbox: true });
    // a British store: its users' mail is in English
    const storeId = await stack.createStore('bistro', { country: 'GB' });
    ownerId = await stack.createUser(storeId, 'bea', 'owner', 'owner passphrase 2026', { name: 'Bea Owner' });
    await stack.enrol(ownerId, 'bistro', 'bea');
    for (let i = 0; i < 100 && !stack.devMail?.list().length; i++) await new Promise((r) => setTimeout(r, 100));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the email renders with its inline styles, runs no script, and its button opens the verify page in a new tab', async () => {
    const context = await browser.newContext();
    const violations: string[] = [];
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${stack.issuer}/dev/mail`);
    await page.getByRole('heading', { name: 'Development mail' }).waitFor();
    const mail = page.frameLocator('iframe.dev-mail-html');
    const button = mail.getByRole('link', { name: 'Verify email address' });
    await button.waitFor();
    // the inline style of the email's button applies (the page's policy allows inline styles for the frame)
    assert.equal(await button.evaluate((a) => getComputedStyle(a).backgroundColor), 'rgb(11, 92, 173)');
    assert.deepEqual(violations, []);
    const [tab] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await tab.waitForLoadState();
    assert.match(tab.url(), /\/account\/verify-email\?token=/);
    await tab.getByRole('heading', { name: /Email address verified/i }).waitFor();
    assert.equal((await stack.db.models.User.findById(ownerId).lean())!.emailVerified, true);
    await context.close();
  });
});
