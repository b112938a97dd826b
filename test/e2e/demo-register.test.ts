// In a real browser: the demo POS is a register screen in English and Dutch; the provider's pages follow the language
// chosen on the register (ui_locales, B8), and the token details are folded away (issue 13 item 9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';

describe('demo POS register screen in English and Dutch (issue 13 item 9, B8)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('bakery');
    await stack.createUser(storeId, 'noor', 'cashier', 'cashier passphrase 9');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  it('chosen Dutch on the register: Dutch sign-in pages, a Dutch register screen, claims under "Technische details"', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(demoUrl);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Nederlands' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.match((await page.textContent('main')) ?? '', /Deze kassa is vergrendeld\./);
    await page.getByRole('link', { name: 'Inloggen' }).click();
    // the provider speaks the register's language although the browser asks for English
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await page.fill('input[name="store"]', 'bakery');
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', 'noor');
    await page.fill('input[name="password"]', 'cashier passphrase 9');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);

    assert.equal(await page.textContent('#user-name'), 'noor name');
    assert.equal(await page.textContent('#role-name'), 'Kassamedewerker');
    assert.equal(await page.textContent('#signed-in-with'), 'Ingelogd met wachtwoord');
    assert.equal(await page.textContent('#switch-user'), 'Gebruiker wisselen');
    // the token details are there for developers, folded away
    const details = page.locator('#technical-details');
    assert.equal(await details.getAttribute('open'), null);
    assert.equal(await page.isVisible('#acr'), false);
    assert.match((await details.locator('summary').textContent()) ?? '', /Technische details/);
    await details.locator('summary').click();
    assert.equal(await page.isVisible('#acr'), true);
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:pwd');
    assert.equal(await page.textContent('#amr'), '["pwd"]');

    // back to English on the same register
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.textContent('#role-name'), 'Cashier');
    assert.equal(await page.textContent('#signed-in-with'), 'Signed in with password');
    // nothing spills sideways on a phone-sized register
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await context.close();
  });
});
