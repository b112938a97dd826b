// In a real browser (Debian chromium via playwright-core): the demo POS's "Refund €120" button asks a manager's
// approval (B20); the manager signs in with password and code and approves; the refund is booked once; the register
// is still the cashier's; a second use of the same approval is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startDemoPos } from '../../src/demo/pos.js';

describe('manager approval through the demo POS in a browser (B20)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let mia: AuthenticatorApp;
  // the provider's clock runs this far ahead (an approval page left open past its interaction's lifetime)
  let ahead = 0;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl }, { clock: () => new Date(Date.now() + ahead) });
    const storeId = await stack.createStore('corner', { country: 'GB' });
    await stack.createUser(storeId, 'carla', 'cashier', 'cashier passphrase 9');
    const miaId = await stack.createUser(storeId, 'mia', 'manager', 'manager passphrase 9');
    mia = await stack.enrol(miaId, 'corner', 'mia');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  async function cashierSignsIn(page: Page) {
    await page.goto(demoUrl);
    await page.click('a[href="/login"]');
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', 'carla');
    await page.fill('input[name="password"]', 'cashier passphrase 9');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
  }

  it('Refund €120: the manager approves on the register, the refund is booked once, the register stays the cashier\'s', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await cashierSignsIn(page);
    await page.click('#refund');
    // the provider's pages say what is approved and that the register stays the cashier's
    assert.match((await page.textContent('#approval-banner')) ?? '', /refund of €120\.00 on Till 2 for cashier carla name/);
    await page.fill('input[name="username"]', 'mia');
    await page.fill('input[name="password"]', 'manager passphrase 9');
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await mia.code());
    await page.click('button[type="submit"]');
    assert.match((await page.textContent('h1 + .lead')) ?? '', /Approve a refund of €120\.00 on Till 2 for cashier carla name \(transaction T-\d+\)\?/);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForSelector('#refund-booked');
    assert.match((await page.textContent('#refund-booked')) ?? '', /Refund of €120\.00 booked \(transaction T-\d+\), approved by mia name for carla name\./);

    // single use: the same approval a second time is refused by the provider
    await page.click('#use-again');
    assert.match((await page.textContent('#refund-refused')) ?? '', /refused: this approval was already used/);

    // the register is still signed in as the cashier
    await page.click('#back');
    assert.equal(await page.textContent('#user-name'), 'carla name');
    assert.equal(await page.textContent('#role'), 'cashier');
    await context.close();
  });

  it('Decline, in Dutch: the refund is not booked and the POS says so (B8)', async () => {
    const context = await browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    await cashierSignsIn(page);
    await page.click('#refund');
    await page.fill('input[name="username"]', 'mia');
    await page.fill('input[name="password"]', 'manager passphrase 9');
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await mia.code());
    await page.click('button[type="submit"]');
    assert.match((await page.textContent('h1 + .lead')) ?? '', /Een terugbetaling van €\s120,00 op Till 2 voor kassamedewerker carla name/);
    assert.match((await page.textContent('.approval-facts')) ?? '', /Beslissing door/);
    assert.match((await page.textContent('#approval-banner')) ?? '', /Goedkeuring door een bedrijfsleider/);
    await page.getByRole('button', { name: 'Afwijzen' }).click();
    await page.waitForSelector('#refund-declined');
    // the register says what happened (issue 23): declined, not "no manager approved it"; and leads back
    assert.match((await page.textContent('#refund-declined')) ?? '', /Terugbetaling van €\s120,00 niet geboekt: de bedrijfsleider heeft die afgewezen\./);
    await page.click('#back');
    await page.waitForSelector('#refund');
    await context.close();
  });

  it('an approval left open until it expired says so, and leads back to the register, which says so too (issue 23)', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await cashierSignsIn(page);
    await page.click('#refund');
    await page.fill('input[name="username"]', 'mia');
    await page.fill('input[name="password"]', 'manager passphrase 9');
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await mia.code());
    await page.click('button[type="submit"]');
    await page.waitForSelector('.approval-decision');
    ahead = 2 * 3600_000;
    try {
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForSelector('#approval-expired');
      assert.equal(await page.textContent('h1'), 'This approval request has expired');
      assert.match((await page.textContent('#approval-expired')) ?? '', /refund of €120\.00 on Till 2 for cashier carla name \(transaction T-\d+\) has expired\. Nothing was approved\./);
      await page.click('#back-to-register');
      await page.waitForSelector('#refund-declined');
      assert.match((await page.textContent('#refund-declined')) ?? '', /Refund of €120\.00 not booked: the approval request expired before anyone decided\./);
      await page.click('#back');
      assert.equal(await page.textContent('#user-name'), 'carla name', 'the register is still the cashier\'s');
    } finally {
      ahead = 0;
    }
    await context.close();
  });
});
