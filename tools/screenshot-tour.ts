// Screenshot tour of the product as people meet it (issue 13): sign-in, enrolment, account, every admin console page
// and the demo POS, in English and Dutch at 1280 and 390 px. Starts its own embedded database, provider and
// demo POS the way the tests do. Usage: npx tsx tools/screenshot-tour.ts --out /tmp/tour  (writes <page>-<locale>-<width>.png)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { startDemoPos } from '../src/demo/pos.js';
import type { Locale } from '../src/http/i18n.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { freePort } from '../test/helpers/free-port.js';
import { globalSetup, globalTeardown } from '../test/helpers/shared-server.js';
import { startStack } from '../test/helpers/stack.js';
import { AuthenticatorApp } from '../test/helpers/totp-device.js';
import { shootProofWays } from './tour-proof-ways.js';

const outIndex = process.argv.indexOf('--out');
const out = path.resolve(outIndex > 0 ? (process.argv[outIndex + 1] ?? 'tour') : 'tour');
mkdirSync(out, { recursive: true });

const WIDTHS = [[1280, 900], [390, 844]] as const;
const PASSWORD = 'tour passphrase 2026';
const written: string[] = [];

/** Both widths of the page as it stands, full length. */
async function shoot(page: Page, name: string, locale: Locale) {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    const file = path.join(out, `${name}-${locale}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    written.push(`${file}${overflow > 0 ? `  (scrolls sideways by ${overflow}px)` : ''}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

await globalSetup();
const demoPort = await freePort();
const demoUrl = `http://localhost:${demoPort}`;
const stack = await startStack({ DEMO_URL: demoUrl });
const demo = await startDemoPos({ issuer: stack.issuer, port: demoPort, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
const browser = await launchBrowser();
try {
  for (const locale of ['en', 'nl'] as const) {
    const prefix = `tour-${locale}`;
    const storeId = await stack.createStore(prefix, { name: locale === 'nl' ? 'Bakkerij de Molen' : 'Corner Coffee', country: locale === 'nl' ? 'NL' : 'GB' });
    const adminId = await stack.createUser(storeId, 'adam', 'admin', PASSWORD, { name: 'Adam Admin' });
    const cashierId = await stack.createUser(storeId, 'carla', 'cashier', PASSWORD, { name: 'Carla Cashier' });
    await stack.enrol(cashierId, prefix, 'carla');
    const context = await browser.newContext({ locale: locale === 'nl' ? 'nl-NL' : 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    await page.goto(`${demoUrl}/?lang=${locale}`);
    await shoot(page, 'demo-pos-signed-out', locale);
    await page.click('a[href="/login"]');
    await shoot(page, 'signin-store', locale);
    await page.fill('input[name="store"]', prefix);
    await page.click('button[type="submit"]');
    await page.fill('input[name="username"]', 'adam');
    await shoot(page, 'signin-password', locale);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    // an admin's first authenticator needs the temporary access pass an owner hands over (B17)
    await page.fill('input[name="pass"]', await stack.accessPass(adminId));
    await page.click('button[type="submit"]');
    await shoot(page, 'enrol-start', locale);
    await page.click('button[type="submit"]');
    await page.waitForSelector('svg');
    await shoot(page, 'enrol-qr', locale);
    const app = AuthenticatorApp.fromEnrolmentPage(await page.content());
    await page.click('button[type="submit"]');
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await shoot(page, 'enrol-codes', locale);
    await page.check('input[name="saved"]');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
    await shoot(page, 'demo-pos-signed-in', locale);

    // the switch user (S9) sign-in shows the code page
    await page.click('#switch-user');
    await page.fill('input[name="username"]', 'adam');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await shoot(page, 'signin-code', locale);
    await page.fill('input[name="code"]', await app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);

    await page.click('#security');
    await page.waitForLoadState('load');
    await shoot(page, 'account', locale);

    await page.goto(`${stack.issuer}/admin?store=${prefix}`);
    if (await page.locator('input[name="password"]').count()) {
      await page.fill('input[name="password"]', PASSWORD);
      await page.click('button[type="submit"]');
      await page.fill('input[name="code"]', await app.code());
      await page.click('button[type="submit"]');
    }
    // every admin console page, as a visit from the demo POS sees it
    const adminPages: Array<[string, string]> = [
      ['admin-overview', '/admin'],
      ['admin-users', '/admin/users'],
      ['admin-user', `/admin/users/${cashierId}`],
      ['admin-user-new', '/admin/users/new'],
      ['admin-policy', '/admin/policy'],
      ['admin-mfa-reset', `/admin/users/${cashierId}/mfa/reset`],
      ['admin-mfa-remove', `/admin/users/${cashierId}/mfa/remove`],
      ['admin-mfa-coverage', '/admin/mfa-coverage'],
      ['admin-registers', '/admin/registers'],
      ['admin-audit', '/admin/audit'],
      ['admin-denied', '/admin/callback?state=unknown'],
    ];
    for (const [name, url] of adminPages) {
      await page.goto(`${stack.issuer}${url}`);
      await shoot(page, name, locale);
    }
    await page.goto(`${stack.issuer}/admin/users/${cashierId}`);
    await page.click(`form[action="/admin/users/${cashierId}/passes"] button[type="submit"]`);
    await page.waitForLoadState('load');
    await shoot(page, 'admin-pass', locale);
    await shootProofWays({ browser, stack, demoUrl, locale, prefix, storeId, password: PASSWORD, admin: page, adminId, cashierId, shoot, out });
    await context.close();
  }
} finally {
  await browser.close();
  await demo.close();
  await stack.close();
  await globalTeardown();
}
console.log(written.join('\n'));
