// In a real browser at 390 px (issue 13 item 2): the admin users page does not scroll sideways and every user's MFA
// status is visible in its card, in English and Dutch; at 1280 px it stays a table (D5, B12).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PASSWORD = 'admin passphrase 2026';
const USERS = ['ada', 'abe', 'ari', 'casey', 'morgan.manager', 'owner', 'sam'];

describe('admin console on a phone (issue 13 item 2)', () => {
  let stack: Stack;
  let browser: Browser;
  const apps = new Map<string, AuthenticatorApp>();
  let caseyId: string;

  before(async () => {
    stack = await startStack();
    const storeId = await stack.createStore('corner', { name: 'Corner Coffee Company Amsterdam-Zuid' });
    for (const admin of ['ada', 'abe', 'ari']) {
      const id = await stack.createUser(storeId, admin, 'admin', PASSWORD, { name: `${admin} Lovelace-Vermeulen`, email: `${admin}.lovelace-vermeulen@cornercoffee.example` });
      apps.set(admin, await stack.enrol(id, 'corner', admin));
    }
    caseyId = await stack.createUser(storeId, 'casey', 'cashier', 'cashier passphrase 2026', { name: 'Casey van den Berg-Hoogendoorn' });
    await stack.enrol(caseyId, 'corner', 'casey');
    await stack.createUser(storeId, 'owner', 'owner', 'owner passphrase 2026', { mustEnrol: true });
    await stack.createUser(storeId, 'morgan.manager', 'manager', 'manager passphrase 2026', { email: 'morgan.manager.with.a.long.address@cornercoffee.example' });
    await stack.createUser(storeId, 'sam', 'cashier', 'cashier passphrase 2026', { active: false });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  // one admin per language: a TOTP code is accepted once, so each sign-in has its own user
  async function signedInPage(locale: 'en' | 'nl', admin: string, width: number): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.issuer}/admin?store=corner`);
    await page.fill('input[name="username"]', admin);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await apps.get(admin)!.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${stack.issuer}/admin?store=corner`);
    await page.goto(`${stack.issuer}/admin/users`);
    return page;
  }

  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  for (const [locale, admin, label, expected] of [
    ['en', 'ada', 'MFA', { ada: 'Active', owner: 'Required, not set up', sam: 'Not set up' }],
    ['nl', 'abe', 'MFA-stand', { ada: 'Actief', owner: 'Verplicht, niet ingesteld', sam: 'Niet ingesteld' }],
  ] as const) {
    it(`at 390 px (${locale}) the users page fits the screen and each card shows the MFA status under the name`, async () => {
      const page = await signedInPage(locale, admin, 390);
      assert.ok((await overflow(page)) <= 0, 'no horizontal scrolling');
      for (const username of USERS) {
        const card = page.locator(`tr[data-user="${username}"]`);
        const status = card.locator('[data-mfa-status]');
        assert.ok(await status.isVisible(), `${username}: MFA status visible`);
        const box = (await status.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= 390, `${username}: the status is inside the screen`);
        // the card reads "MFA <status>" right below the name, above role and account
        const cell = card.locator('td.stack-key');
        assert.equal(await cell.evaluate((td) => getComputedStyle(td, '::before').content), `"${label}"`);
        const name = (await card.locator('td.stack-title').boundingBox())!;
        const role = (await card.locator('td').nth(1).boundingBox())!;
        assert.ok(name.y < box.y && box.y < role.y, `${username}: name, then MFA, then role`);
        // the table head is visually hidden (1 px, still read by screen readers); the labels come from the cells
        assert.ok(((await page.locator('.admin-table thead').boundingBox())?.height ?? 0) <= 1);
        if (username in expected) assert.equal((await status.textContent())?.trim(), expected[username as keyof typeof expected]);
      }
      // no other admin page scrolls sideways either: forms, filters, buttons and the navigation wrap
      for (const path of ['/admin', `/admin/users/${caseyId}`, '/admin/users/new', '/admin/policy', `/admin/users/${caseyId}/mfa/reset`, `/admin/users/${caseyId}/mfa/remove`, '/admin/audit', '/admin/callback?state=none']) {
        await page.goto(`${stack.issuer}${path}`);
        assert.ok((await overflow(page)) <= 0, `${path} fits 390 px`);
      }
      await page.context().close();
    });
  }

  it('at 1280 px it stays a table with its column heads', async () => {
    const page = await signedInPage('en', 'ari', 1280);
    assert.ok((await overflow(page)) <= 0);
    assert.ok(((await page.locator('.admin-table thead').boundingBox())?.height ?? 0) > 10);
    assert.equal(await page.locator('.admin-table tr[data-user="casey"]').evaluate((tr) => getComputedStyle(tr).display), 'table-row');
    await page.context().close();
  });
});
