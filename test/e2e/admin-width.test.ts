// Every admin console page uses the width of a desktop screen (issue 23): at 1280 and 1920 px the page is wide and no
// table hides a column (MFA coverage's Standing, Email and Action with its "Send reminder" buttons were cut off in a
// narrow card); at 390 px nothing scrolls sideways. In English and Dutch (D5, B12, B21).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Types } from 'mongoose';
import { type E2e, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

const PASSWORD = 'admin passphrase 2026';

describe('admin console pages on a desktop screen (issue 23)', () => {
  let e2e: E2e;
  const admins = new Map<string, StoreUser>();
  let pages: string[];

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { name: 'Corner Coffee Company Amsterdam-Zuid', country: 'NL' });
    for (const admin of ['ada', 'abe']) admins.set(admin, await corner.add(admin, 'admin', { password: PASSWORD, totp: true, fields: { name: `${admin} Lovelace-Vermeulen` } }));
    const cashierId = (await corner.add('casey', 'cashier', { password: PASSWORD, totp: true, fields: { name: 'Casey van den Berg-Hoogendoorn' } })).id;
    // a roll-out whose deadline has passed: everyone listed is overdue, with an address or without one
    for (let i = 0; i < 6; i++) {
      await corner.add(`cashier.${i}.with-a-long-username`, 'cashier', {
        password: PASSWORD,
        fields: { name: `Cashier ${i} Hoogenboom-Vanderlinden`, email: i % 2 ? null : `cashier.${i}.with.a.long.address@cornercoffee.example` },
      });
    }
    await e2e.stack.db.models.StoreAccount.updateOne({ _id: new Types.ObjectId(corner.id) }, { $set: { 'policy.cashierMfaBy': '2025-01-31', rollout: true } });
    pages = ['/admin', '/admin/users', `/admin/users/${cashierId}`, '/admin/users/new', '/admin/policy', `/admin/users/${cashierId}/mfa/reset`, `/admin/users/${cashierId}/mfa/remove`, '/admin/mfa-coverage', '/admin/registers', '/admin/audit'];
  });
  after(() => e2e?.close());

  async function signedIn(locale: 'en' | 'nl', admin: string): Promise<Page> {
    const page = await e2e.page({ locale });
    await signInToAdmin(page, e2e, admins.get(admin)!);
    return page;
  }

  const layout = (page: Page) =>
    page.evaluate(() => ({
      sideways: document.documentElement.scrollWidth - window.innerWidth,
      card: document.querySelector('main.card')?.getBoundingClientRect().width ?? 0,
      // a table wider than its frame hides columns behind a scroll bar
      hidden: [...document.querySelectorAll('.admin-table-wrap')].map((w) => w.scrollWidth - w.clientWidth).filter((d) => d > 1),
    }));

  for (const [locale, admin] of [['en', 'ada'], ['nl', 'abe']] as const) {
    it(`at 1920, 1280 and 390 px (${locale}) every admin page uses the screen's width and hides no column`, async () => {
      const page = await signedIn(locale, admin);
      for (const path of pages) {
        await page.goto(`${e2e.issuer}${path}`);
        for (const width of [1920, 1280, 390]) {
          await page.setViewportSize({ width, height: 900 });
          const seen = await layout(page);
          assert.ok(seen.sideways <= 0, `${path} at ${width}: no sideways scrolling (${seen.sideways}px)`);
          assert.deepEqual(seen.hidden, [], `${path} at ${width}: no table hides a column`);
          if (width > 390) assert.ok(seen.card >= width * 0.85, `${path} at ${width}: the page is ${seen.card}px wide`);
        }
      }
      // MFA coverage: every column head and every action button of the people still to set up MFA is on screen
      await page.goto(`${e2e.issuer}/admin/mfa-coverage`);
      for (const width of [1920, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        const table = page.locator('.admin-table').last();
        const frame = (await table.boundingBox())!;
        const cells = table.locator('th, td button, td a.btn');
        assert.ok((await cells.count()) >= 4 + 6);
        for (let i = 0; i < (await cells.count()); i++) {
          const box = (await cells.nth(i).boundingBox())!;
          assert.ok(box.x + box.width <= Math.min(frame.x + frame.width, width) + 0.5, `coverage at ${width}: ${await cells.nth(i).textContent()} is on screen`);
        }
      }
      await page.context().close();
    });
  }
});
