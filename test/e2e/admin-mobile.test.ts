// In a real browser at 390 px (issue 13 item 2): the admin users page does not scroll sideways and every user's MFA
// status is visible in its card, in English and Dutch; at 1280 px it stays a table (D5, B12).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type E2e, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

const PASSWORD = 'admin passphrase 2026';
const USERS = ['ada', 'abe', 'ari', 'casey', 'morgan.manager', 'owner', 'sam'];

describe('admin console on a phone (issue 13 item 2)', () => {
  let e2e: E2e;
  const admins = new Map<string, StoreUser>();
  let caseyId: string;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { name: 'Corner Coffee Company Amsterdam-Zuid' });
    for (const admin of ['ada', 'abe', 'ari']) {
      const fields = { name: `${admin} Lovelace-Vermeulen`, email: `${admin}.lovelace-vermeulen@cornercoffee.example` };
      admins.set(admin, await corner.add(admin, 'admin', { password: PASSWORD, totp: true, fields }));
    }
    caseyId = (await corner.add('casey', 'cashier', { password: 'cashier passphrase 2026', totp: true, fields: { name: 'Casey van den Berg-Hoogendoorn' } })).id;
    await corner.add('owner', 'owner', { password: 'owner passphrase 2026', fields: { mustEnrol: true } });
    await corner.add('morgan.manager', 'manager', { password: 'manager passphrase 2026', fields: { email: 'morgan.manager.with.a.long.address@cornercoffee.example' } });
    await corner.add('sam', 'cashier', { password: 'cashier passphrase 2026', fields: { active: false } });
  });
  after(() => e2e?.close());

  // one admin per language: a TOTP code is accepted once, so each sign-in has its own user
  async function signedInPage(locale: 'en' | 'nl', admin: string, size: 'phone' | 'desktop'): Promise<Page> {
    const page = await e2e.page({ locale, size });
    await signInToAdmin(page, e2e, admins.get(admin)!);
    await page.goto(`${e2e.issuer}/admin/users`);
    return page;
  }

  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  for (const [locale, admin, label, expected] of [
    ['en', 'ada', 'MFA', { ada: 'Active', owner: 'Required, not set up', sam: 'Not set up' }],
    ['nl', 'abe', 'MFA-stand', { ada: 'Actief', owner: 'Verplicht, niet ingesteld', sam: 'Niet ingesteld' }],
  ] as const) {
    it(`at 390 px (${locale}) the users page fits the screen and each card shows the MFA status under the name`, async () => {
      const page = await signedInPage(locale, admin, 'phone');
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
        await page.goto(`${e2e.issuer}${path}`);
        assert.ok((await overflow(page)) <= 0, `${path} fits 390 px`);
      }
      await page.context().close();
    });
  }

  it('at 1280 px it stays a table with its column heads', async () => {
    const page = await signedInPage('en', 'ari', 'desktop');
    assert.ok((await overflow(page)) <= 0);
    assert.ok(((await page.locator('.admin-table thead').boundingBox())?.height ?? 0) > 10);
    assert.equal(await page.locator('.admin-table tr[data-user="casey"]').evaluate((tr) => getComputedStyle(tr).display), 'table-row');
    await page.context().close();
  });
});
