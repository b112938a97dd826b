// A register in a real browser (B19, issue 23): a trusted till knows its store (its sign-in starts at the password),
// "Quick switch" on a browser that is no trusted register says why, and the PIN page has a keypad for fingers at
// 390 px and on a 10-inch till (1280x800, touch), while the PIN field keeps working with a keyboard.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Cookie, Page } from 'playwright-core';
import { answerSignIn, type E2e, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

const PIN = '2580';

describe('a till in a browser (B19, issue 23)', () => {
  let e2e: E2e;
  let ada: StoreUser;
  let cara: StoreUser;
  // the till's browser profile (its register cookie and known-device cookie), for the other screens of the same till
  let tillCookies: Cookie[] = [];

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { name: 'Corner Coffee', country: 'GB' });
    ada = await corner.add('ada', 'admin', { password: 'admin passphrase 23', totp: true });
    cara = await corner.add('cara', 'cashier', { password: 'cashier passphrase 23', totp: true, fields: { name: 'Cara Cashier' } });
    assert.ok((await e2e.stack.services.quickSwitch.setPin({ id: cara.id, storeId: corner.id }, PIN, PIN)).ok);
  });
  after(() => e2e?.close());

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('a trusted till signs in without its store URL: the sign-in starts at the password', async () => {
    const context = await e2e.context({ locale: 'en-GB' });
    const page = await context.newPage();
    await signInToAdmin(page, e2e, ada);
    await page.getByRole('link', { name: 'Registers' }).click();
    await page.fill('#register-name', 'Till 2');
    await page.getByRole('button', { name: 'Trust this register' }).click();
    await page.waitForSelector('#this-register');
    // the admin signs out on the demo POS (B26: the provider session ends); the next sign-in asks who, not which store
    await page.goto(e2e.demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${e2e.demoUrl}/`);
    await page.click('#sign-out');
    await page.waitForURL(`${e2e.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('input[name="username"]');
    assert.equal(await page.locator('input[name="store"]').count(), 0);
    assert.match((await page.textContent('main')) ?? '', /Corner Coffee/);
    // cara's full sign-in on this till opens PIN switching here for the day
    await answerSignIn(page, cara);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'Cara Cashier');
    await page.click('#sign-out');
    await page.waitForURL(`${e2e.demoUrl}/`);
    tillCookies = await context.cookies();
    await context.close();
  });

  it('"Quick switch" on a browser that is no trusted register says why, at 390 px, in English and Dutch', async () => {
    for (const [locale, why] of [['en-GB', /This browser is not a trusted register of your store/], ['nl-NL', /Deze browser is geen vertrouwde kassa van je winkel/]] as const) {
      const context = await e2e.context({ locale, size: 'phone', hasTouch: true, isMobile: true });
      const page = await context.newPage();
      await page.goto(e2e.demoUrl);
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
    await page.goto(e2e.demoUrl);
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
      const context = await e2e.context({ locale: 'en-GB', viewport: till.viewport, hasTouch: true, isMobile: till.isMobile });
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
      // the PIN throttle takes one attempt a second: the provider's clock moves on instead of the test waiting
      e2e.clock.later(2000);
      await page.getByRole('button', { name: 'Switch', exact: true }).tap();
      await page.waitForURL(`${e2e.demoUrl}/`);
      assert.equal(await page.textContent('#user-name'), 'Cara Cashier');
      assert.equal(await page.textContent('#amr'), '["pin"]');
      await context.close();
    });
  }

  it('the PIN field still takes a keyboard: typed digits and Enter switch in', async () => {
    const context = await e2e.context({ locale: 'en-GB' });
    const page = await pinPage(context);
    assert.equal(await page.getAttribute('#pin', 'inputmode'), 'numeric', 'no keypad takeover without a touch screen');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pin', 'the field has the focus');
    await page.keyboard.type(PIN);
    e2e.clock.later(2000);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pin"]');
    await context.close();
  });
});
