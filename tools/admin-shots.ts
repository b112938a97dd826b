// Screenshots of every admin console page (and Security & ID) at 1280 and 390 px, English and Dutch, with sample users, and the pages that
// scroll sideways. Usage: npx tsx tools/admin-shots.ts /tmp/shots/admin/after
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser.js';
import { startStack } from '../test/helpers/stack.js';

const dir = process.argv[2] ?? '/tmp/shots/admin';
mkdirSync(dir, { recursive: true });
const PASSWORD = 'admin passphrase 2026';

const stack = await startStack();
const storeId = await stack.createStore('corner', { name: 'Corner Coffee Company Amsterdam-Zuid' });
const adminId = await stack.createUser(storeId, 'ada', 'admin', PASSWORD, { name: 'Ada Lovelace-Vermeulen', email: 'ada.lovelace-vermeulen@cornercoffee.example' });
const adminApp = await stack.enrol(adminId, 'corner', 'ada');
const cashierId = await stack.createUser(storeId, 'casey', 'cashier', 'cashier passphrase 2026', { name: 'Casey van den Berg-Hoogendoorn' });
await stack.enrol(cashierId, 'corner', 'casey');
await stack.createUser(storeId, 'owner', 'owner', 'owner passphrase 2026', { mustEnrol: true });
await stack.createUser(storeId, 'morgan.manager', 'manager', 'manager passphrase 2026', { email: 'morgan.manager.with.a.long.address@cornercoffee.example' });
await stack.createUser(storeId, 'sam', 'cashier', 'cashier passphrase 2026', { active: false });

const browser = await launchBrowser();
const overflowing: string[] = [];
try {
  for (const lang of ['en', 'nl'] as const) {
    const context = await browser.newContext({ locale: lang, extraHTTPHeaders: { 'accept-language': lang } });
    const page = await context.newPage();
    await page.goto(`${stack.issuer}/admin?store=corner`);
    await page.fill('input[name="username"]', 'ada');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await adminApp.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${stack.issuer}/admin?store=corner`);
    // opened from the demo POS, as its links do: every page of the visit shows "Back to Demo POS"
    await page.goto(`${stack.issuer}/admin?${new URLSearchParams({ client_id: 'demo-pos', return_to: `${stack.demoUrl}/` })}`);
    const pages: Array<[string, (p: Page) => Promise<unknown>]> = [
      ['overview', (p) => p.goto(`${stack.issuer}/admin`)],
      ['users', (p) => p.goto(`${stack.issuer}/admin/users`)],
      ['user', (p) => p.goto(`${stack.issuer}/admin/users/${cashierId}`)],
      ['user-new', (p) => p.goto(`${stack.issuer}/admin/users/new`)],
      ['policy', (p) => p.goto(`${stack.issuer}/admin/policy`)],
      ['mfa-reset', (p) => p.goto(`${stack.issuer}/admin/users/${cashierId}/mfa/reset`)],
      ['mfa-remove', (p) => p.goto(`${stack.issuer}/admin/users/${cashierId}/mfa/remove`)],
      ['pass', async (p) => {
        await p.goto(`${stack.issuer}/admin/users/${cashierId}`);
        await p.click(`form[action="/admin/users/${cashierId}/passes"] button[type="submit"]`);
      }],
      ['audit', (p) => p.goto(`${stack.issuer}/admin/audit`)],
      ['denied', (p) => p.goto(`${stack.issuer}/admin/callback?state=unknown`)],
      // Security & ID of the same visit: the back link, no "Trouble signing in?" footer
      ['account', (p) => p.goto(`${stack.issuer}/account`)],
    ];
    for (const [name, open] of pages) {
      for (const [width, label] of [[1280, 'desktop'], [390, 'phone']] as const) {
        await page.setViewportSize({ width, height: 844 });
        await open(page);
        await page.waitForLoadState('load');
        await page.screenshot({ path: path.join(dir, `${name}-${lang}-${label}.png`), fullPage: true });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) overflowing.push(`${name} ${lang} ${width}px: ${wide}px too wide`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  await stack.close();
}
console.log(`screenshots in ${dir}`);
console.log(overflowing.length ? `horizontal overflow:\n${overflowing.join('\n')}` : 'no page scrolls sideways');
