// In a real browser (Debian chromium via playwright-core): "Forgot your password?" from the demo POS, the emailed
// link (real SMTP), the code, a new password, and back to the same sign-in, which asks the new password (B14).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { freePort } from '../helpers/free-port.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';

describe('forgot password in a browser (B14)', () => {
  let stack: Stack;
  let sink: SmtpSink;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let app: AuthenticatorApp;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    sink = await startSmtpSink();
    stack = await startStack({ DEMO_URL: demoUrl, SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
    const storeId = await stack.createStore('corner', { name: 'Corner Coffee', country: 'GB' });
    const moId = await stack.createUser(storeId, 'mo', 'manager', 'manager passphrase 1');
    app = await stack.enrol(moId, 'corner', 'mo');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
    await sink?.close();
  });

  it('asks the username, emails a link, asks the code before the new password, then continues the same sign-in', async () => {
    const page = await browser.newPage();
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    assert.match(await page.textContent('main') ?? '', /Corner Coffee/);
    await page.fill('input[name="username"]', 'mo');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await sink.waitFor((m) => m.to.includes('mo@example.test') && /Reset your password/.test(m.subject));
    const link = /(http:\/\/\S+\/password-reset\/\S+)/.exec(mail.text)?.[1];
    assert.ok(link);
    await page.goto(link);
    await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
    assert.equal(await page.locator('input[name="new_password"]').count(), 0, 'no new password before the code');
    await page.fill('input[name="code"]', await app.code());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.fill('input[name="new_password"]', 'manager passphrase 2');
    await page.fill('input[name="confirm_password"]', 'manager passphrase 2');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    // back to the sign-in it was asked from: the new password and the code, as always
    await page.getByRole('link', { name: 'Continue signing in' }).click();
    assert.equal(await page.inputValue('input[name="username"]'), 'mo');
    await page.fill('input[name="password"]', 'manager passphrase 2');
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'mo name');
    await page.close();
  });
});
