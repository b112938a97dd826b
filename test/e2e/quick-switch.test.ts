// In a real browser (Debian chromium): an admin trusts the register from the register itself, two people sign in fully
// on the demo POS there, and "Switch" brings the first back with her PIN; the POS shows amr ["pin"], the switch acr
// and the register (B19).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';

const PW = { ada: 'admin passphrase 19', cara: 'cashier passphrase 19', mia: 'manager passphrase 19' };

describe('quick switching on a trusted register in a browser (B19)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  const apps: Record<string, AuthenticatorApp> = {};
  const ids: Record<string, string> = {};

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('corner');
    ids.ada = await stack.createUser(storeId, 'ada', 'admin', PW.ada);
    ids.cara = await stack.createUser(storeId, 'cara', 'cashier', PW.cara);
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', PW.mia);
    for (const name of ['ada', 'cara', 'mia'] as const) apps[name] = await stack.enrol(ids[name]!, 'corner', name);
    const pin = await stack.services.quickSwitch.setPin({ id: ids.cara!, storeId }, '2580', '2580');
    assert.ok(pin.ok);
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  async function passwordAndCode(page: Page, username: 'ada' | 'cara' | 'mia') {
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PW[username]);
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await apps[username]!.code());
    await page.click('button[type="submit"]');
  }

  it('an admin trusts the register, two full sign-ins there, then "Switch" and a PIN bring the cashier back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // on the register itself: the admin console, "Trust this register"
    await page.goto(`${stack.issuer}/admin?store=corner`);
    await passwordAndCode(page, 'ada');
    await page.waitForSelector(".admin-nav");
    await page.getByRole('link', { name: 'Registers' }).click();
    await page.fill('#register-name', 'Till 2');
    await page.getByRole('button', { name: 'Trust this register' }).click();
    assert.equal(await page.textContent('#this-register'), 'This browser is the trusted register "Till 2".');

    // the demo POS there starts with the admin's session; cara, then mia sign in fully ("Switch user")
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'ada name');
    await page.click('#switch-user');
    await passwordAndCode(page, 'cara');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cara name');
    await page.click('#switch-user');
    await passwordAndCode(page, 'mia');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'mia name');

    // "Switch": the provider's grid of who signed in fully here today, then cara's PIN
    await page.click('#quick-switch');
    await page.waitForSelector('.switch-grid');
    assert.equal(await page.textContent('h1'), 'Who is switching in?');
    assert.equal(await page.locator('.switch-tile').count(), 2);
    await page.locator(`.switch-tile[data-user="${ids.cara}"]`).click();
    assert.equal(await page.textContent('h1'), 'Hello cara name, enter your PIN');
    // a wrong PIN first: translated, counted, nothing signed in
    await page.fill('input[name="pin"]', '1357');
    await page.getByRole('button', { name: 'Switch' }).click();
    assert.match((await page.textContent('#form-error')) ?? '', /Wrong PIN\. 4 tries left/);
    await page.fill('input[name="pin"]', '2580');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cara name');
    assert.equal(await page.textContent('#amr'), '["pin"]');
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:switch');
    assert.equal(await page.textContent('#register'), 'Till 2');

    // Partner reports demand MFA: the switch token is refused and the step-up asks for the full sign-in
    await page.click('#reports');
    await page.waitForSelector('input[name="password"]');
    assert.equal(await page.locator('input[name="pin"]').count(), 0);
    await context.close();
  });
});
