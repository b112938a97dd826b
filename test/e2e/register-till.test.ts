// A register in a real browser (B19, issue 23): a trusted till knows its store (its sign-in starts at the password),
// "Quick switch" on a browser that is no trusted register says why, and the PIN page has a keypad for fingers at
// 390 px and on a 10-inch till (1280x800, touch), while the PIN field keeps working with a keyboard.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';

const PW = { ada: 'admin passphrase 23', cara: 'cashier passphrase 23' };
const PIN = '2580';

describe('a till in a browser (B19, issue 23)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  const apps: Record<string, AuthenticatorApp> = {};
  // the services' clock: moved on between PIN attempts, so the one-attempt-a-second throttle never waits on real time
  let skew = 0;
  // the till's browser profile (its register cookie and known-device cookie), for the other screens of the same till
  let tillCookies: Cookie[] = [];

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl }, { clock: () => new Date(Date.now() + skew) });
    const storeId = await stack.createStore('corner', { name: 'Corner Coffee', country: 'GB' });
    const ada = await stack.createUser(storeId, 'ada', 'admin', PW.ada);
    const cara = await stack.createUser(storeId, 'cara', 'cashier', PW.cara, { name: 'Cara Cashier' });
    apps.ada = await stack.enrol(ada, 'corner', 'ada');
    apps.cara = await stack.enrol(cara, 'corner', 'cara');
    assert.ok((await stack.services.quickSwitch.setPin({ id: cara, storeId }, PIN, PIN)).ok);
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  async function passwordAndCode(page: Page, who: 'ada' | 'cara') {
    await page.fill('input[name="username"]', who);
    await page.fill('input[name="password"]', PW[who]);
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await apps[who]!.code());
    await page.click('button[type="submit"]');
  }

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('a trusted till signs in without its store URL: the sign-in starts at the password', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${stack.issuer}/admin?store=corner`);
    await passwordAndCode(page, 'ada');
    await page.getByRole('link', { name: 'Registers' }).click();
    await page.fill('#register-name', 'Till 2');
    await page.getByRole('button', { name: 'Trust this register' }).click();
    await page.waitForSelector('#this-register');
    // the admin signs out on the demo POS (B26: the provider session ends); the next sign-in asks who, not which store
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${demoUrl}/`);
    await page.click('#sign-out');
    await page.waitForURL(`${demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('input[name="username"]');
    assert.equal(await page.locator('input[name="store"]').count(), 0);
    assert.match((await page.textContent('main')) ?? '', /Corner Coffee/);
    // cara's full sign-in on this till opens PIN switching here for the day
    await passwordAndCode(page, 'cara');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'Cara Cashier');
    await page.click('#sign-out');
    await page.waitForURL(`${demoUrl}/`);
    tillCookies = await context.cookies();
    await context.close();
  });

  it('"Quick switch" on a browser that is no trusted register says why, at 390 px, in English and Dutch', async () => {
    for (const [locale, why] of [['en-GB', /This browser is not a trusted register of your store/], ['nl-NL', /Deze browser is geen vertrouwde kassa van je winkel/]] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
      const page = await context.newPage();
      await page.goto(demoUrl);
      await page.click('#quick-switch');
      await page.waitForSelector('#quick-switch-why');
      assert.match((await page.textContent('#quick-switch-why')) ?? '', why);
      assert.equal(await page.locator('#trust-how + ol li').count(), 3, 'how an admin trusts it, in three steps');
      assert.equal(await sideways(page), 0);
      await page.click('#full-sign-in');
      await page.waitForSelector('input[name="store"]');
      await context.close();
    }
  });

  async function pinPage(context: BrowserContext): Promise<Page> {
    await context.addCookies(tillCookies);
    const page = await context.newPage();
    await page.goto(demoUrl);
    await page.click('#quick-switch');
    await page.getByRole('button', { name: /Cara Cashier/ }).click();
    await page.waitForSelector('#pin');
    return page;
  }

  for (const till of [
    { label: 'a phone at 390 px', viewport: { width: 390, height: 844 }, isMobile: true },
    { label: 'a 10-inch till (1280x800)', viewport: { width: 1280, height: 800 }, isMobile: false },
  ]) {
    it(`the PIN keypad works with fingers on ${till.label}`, async () => {
      const context = await browser.newContext({ locale: 'en-GB', viewport: till.viewport, hasTouch: true, isMobile: till.isMobile });
      const page = await pinPage(context);
      const keys = page.locator('.pin-key');
      assert.equal(await keys.count(), 12, 'ten digits, Clear and Delete');
      for (let i = 0; i < 12; i++) {
        const box = await keys.nth(i).boundingBox();
        assert.ok(box && box.width >= 48 && box.height >= 48, `key ${i} is at least 48x48 px: ${JSON.stringify(box)}`);
        assert.ok(box.x >= 0 && box.x + box.width <= till.viewport.width, `key ${i} is on screen`);
        assert.ok(box.y + box.height <= till.viewport.height, `key ${i} is visible without scrolling`);
      }
      assert.equal(await sideways(page), 0);
      // a touch screen's own keyboard stays away while the keypad is there
      assert.equal(await page.getAttribute('#pin', 'inputmode'), 'none');
      const pin = () => page.inputValue('#pin');
      for (const digit of '2581') await page.tap(`.pin-key[data-digit="${digit}"]`);
      assert.equal(await pin(), '2581');
      await page.getByRole('button', { name: 'Delete the last digit' }).tap();
      assert.equal(await pin(), '258');
      await page.getByRole('button', { name: 'Clear the PIN' }).tap();
      assert.equal(await pin(), '');
      for (const digit of PIN) await page.tap(`.pin-key[data-digit="${digit}"]`);
      skew += 2000;
      await page.getByRole('button', { name: 'Switch', exact: true }).tap();
      await page.waitForURL(`${demoUrl}/`);
      assert.equal(await page.textContent('#user-name'), 'Cara Cashier');
      assert.equal(await page.textContent('#amr'), '["pin"]');
      await context.close();
    });
  }

  it('the PIN field still takes a keyboard: typed digits and Enter switch in', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await pinPage(context);
    assert.equal(await page.getAttribute('#pin', 'inputmode'), 'numeric', 'no keypad takeover without a touch screen');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pin', 'the field has the focus');
    await page.keyboard.type(PIN);
    skew += 2000;
    await page.keyboard.press('Enter');
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pin"]');
    await context.close();
  });
});
