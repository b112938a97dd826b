// In a real browser (Debian chromium via playwright-core): the MFA roll-out prompt before the deadline on the demo POS,
// and the admin's MFA coverage page with its reminder button (B21).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';
import { storeToday } from '../../src/services/rollout/deadline.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PW = 'roll-out passphrase 2026';

describe('MFA roll-out in a browser (B21)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let adminApp: AuthenticatorApp;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const deadline = storeToday(new Date(Date.now() + 12 * 86_400_000), { country: 'NL' });
    const storeId = await stack.createStore('corner', { 'policy.cashierMfaBy': deadline, rollout: true });
    const adminId = await stack.createUser(storeId, 'ada', 'admin', PW);
    await stack.createUser(storeId, 'casey', 'cashier', PW);
    await stack.createUser(storeId, 'cody', 'cashier', PW, { email: null });
    adminApp = await stack.enrol(adminId, 'corner', 'ada');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  it('a cashier is asked before the deadline, chooses "Remind me later" and reaches the register with amr pwd', async () => {
    const page = await browser.newPage();
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', 'casey');
    await page.fill('input[name="password"]', PW);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-rollout-deadline]');
    assert.match((await page.textContent('[data-rollout-deadline]')) ?? '', /set up multi-factor authentication by \d{1,2} \w+ \d{4}\. 12 days left\./);
    assert.ok(await page.getByRole('button', { name: 'Set up now' }).isVisible());
    await page.getByRole('button', { name: 'Remind me later' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pwd"]');
    await page.close();
  });

  it('the admin opens MFA coverage from the console\'s menu, sees the counts and sends a reminder', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${stack.issuer}/admin?store=corner`);
    await page.fill('input[name="username"]', 'ada');
    await page.fill('input[name="password"]', PW);
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await adminApp.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${stack.issuer}/admin?store=corner`);
    await page.click('.admin-nav a[href="/admin/mfa-coverage"]');
    await page.waitForURL(`${stack.issuer}/admin/mfa-coverage`);
    assert.equal(await page.textContent('h1'), 'MFA coverage');
    assert.equal(await page.textContent('tr[data-role="cashier"] [data-count="due"]'), '2');
    assert.equal(await page.textContent('tr[data-role="admin"] [data-count="active"]'), '1');
    assert.ok(await page.locator('tr[data-user="cody"]').getByRole('button', { name: 'Temporary access pass' }).isVisible());
    await page.locator('tr[data-user="casey"]').getByRole('button', { name: 'Send reminder' }).click();
    await page.waitForURL(/done=sent/);
    assert.match((await page.textContent('[role="status"]')) ?? '', /The reminder has been sent\./);
    assert.ok(stack.notifications.some((n) => n.type === 'rollout_reminder'));
    await page.close();
  });

  // issue 19 items 2-3: what a person sees of the ways to set MFA up
  const noSidewaysScroll = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('on a phone, "Set up now" shows both ways: the pass, and verifying the address for a link (issue 19 item 3)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${demoUrl}/?lang=en`);
    await page.click('a[href="/login"]');
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', 'casey');
    await page.fill('input[name="password"]', PW);
    await page.click('button[type="submit"]');
    assert.match((await page.textContent('[data-rollout-need]')) ?? '', /temporary access pass from your store's owner or an administrator, or a link to your email address once you have verified it/);
    await page.click('button[value="now"]');
    await page.waitForSelector('input[name="pass"]');
    assert.ok(await page.getByRole('button', { name: 'Send me a verification link' }).isVisible());
    assert.equal(await noSidewaysScroll(page), 0);
    await page.getByRole('button', { name: 'Send me a verification link' }).click();
    await page.waitForSelector('[data-verified-continue]');
    assert.match((await page.textContent('[role="status"]')) ?? '', /We sent a verification link to your email address/);
    assert.ok(stack.notifications.some((n) => n.type === 'email_verification'));
    await page.close();
  });

  it('the admin prints passes for everyone listed: slips on a phone, and on paper nothing but the slips (issue 19 item 2)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${stack.issuer}/admin/mfa-coverage?store=corner`);
    if (await page.locator('input[name="username"]').count()) {
      await page.fill('input[name="username"]', 'ada');
      await page.fill('input[name="password"]', PW);
      await page.click('button[type="submit"]');
      await page.fill('input[name="code"]', await adminApp.code());
      await page.click('button[type="submit"]');
      await page.waitForURL(/\/admin/);
      await page.goto(`${stack.issuer}/admin/mfa-coverage`);
    }
    await page.fill('#slips-password', PW);
    await page.getByRole('button', { name: 'Make 2 passes and print the slips' }).click();
    await page.waitForSelector('.slip');
    assert.equal(await page.locator('.slip').count(), 2);
    assert.ok(await page.getByRole('button', { name: 'Print' }).isVisible(), 'the Print button (shown by the script)');
    assert.equal(await noSidewaysScroll(page), 0);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.slips-intro').isVisible(), false, 'on paper: no instructions, buttons or menu');
    assert.equal(await page.locator('.admin-nav').isVisible(), false);
    assert.ok(await page.locator('.slip').first().isVisible());
    assert.match((await page.locator('.slip').first().textContent()) ?? '', /[A-Z2-9]{4}(-[A-Z2-9]{4}){3}/);
    await page.close();
  });
});
