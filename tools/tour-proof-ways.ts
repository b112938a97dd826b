// Screenshot tour, issue 19's pages: the roll-out prompt and the proof page in each of their variants (a link to a
// usable address, an address to verify first, one changed lately, none), the enrolment after an admin's reset naming
// who did it, a cashier's Security & ID offering to verify their address, and the printed pass slips (screen and paper).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Types } from 'mongoose';
import type { Locale } from '../src/services/locale.js';
import { storeToday } from '../src/services/rollout/deadline.js';
import type { Stack } from '../test/helpers/stack.js';

export interface ProofWaysTour {
  browser: Browser;
  stack: Stack;
  demoUrl: string;
  locale: Locale;
  prefix: string;
  storeId: string;
  password: string;
  /** the admin console, signed in */
  admin: Page;
  adminId: string;
  cashierId: string;
  shoot(page: Page, name: string, locale: Locale): Promise<void>;
  /** the tour's output folder (the slips on paper are shot once, A4-wide) */
  out: string;
}

export async function shootProofWays(t: ProofWaysTour): Promise<void> {
  const { stack, locale } = t;
  const day = 86_400_000;
  await stack.db.models.StoreAccount.updateOne(
    { _id: new Types.ObjectId(t.storeId) },
    { $set: { 'policy.cashierMfaBy': storeToday(new Date(Date.now() + 12 * day), { country: locale === 'nl' ? 'NL' : 'GB' }), rollout: true } },
  );
  const cashier = (username: string, name: string, extra: Record<string, unknown>) => stack.createUser(t.storeId, username, 'cashier', t.password, { name, ...extra });
  await cashier('cleo', 'Cleo Unverified', {});
  await cashier('dina', 'Dina Verified', { emailVerified: true });
  await cashier('evi', 'Evi Changed', { emailVerified: true, emailChangedAt: new Date(Date.now() - 2 * day) });
  await cashier('noor', 'Noor No-address', { email: null });

  // MFA coverage with a roll-out under way, and the slips for everyone listed, on screen and on paper
  await t.admin.goto(`${stack.issuer}/admin/mfa-coverage`);
  await t.shoot(t.admin, 'admin-mfa-coverage-rollout', locale);
  await t.admin.fill('#slips-password', t.password);
  await t.admin.click('form[action="/admin/mfa-coverage/passes"] button[type="submit"]');
  await t.admin.waitForSelector('.slip');
  await t.shoot(t.admin, 'admin-pass-slips', locale);
  await t.admin.emulateMedia({ media: 'print' });
  await t.admin.setViewportSize({ width: 794, height: 1123 });
  await t.admin.screenshot({ path: path.join(t.out, `admin-pass-slips-print-${locale}-794.png`), fullPage: true });
  await t.admin.emulateMedia({ media: 'screen' });
  await t.admin.setViewportSize({ width: 1280, height: 900 });

  // the admin resets the cashier's MFA: her enrolment says who and when; the users list shows every standing
  await stack.services.mfa.remove(t.cashierId, { actorId: t.adminId }, { mustEnrol: true });
  await t.admin.goto(`${stack.issuer}/admin/users`);
  await t.shoot(t.admin, 'admin-users-standings', locale);

  const signIn = async (username: string) => {
    const context = await t.browser.newContext({ locale: locale === 'nl' ? 'nl-NL' : 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${t.demoUrl}/?lang=${locale}`);
    await page.click('a[href="/login"]');
    if (await page.locator('input[name="store"]').count()) {
      await page.fill('input[name="store"]', t.prefix);
      await page.click('button[type="submit"]');
    }
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', t.password);
    await page.click('button[type="submit"]');
    await page.waitForLoadState('load');
    return { context, page };
  };

  for (const [username, name] of [['cleo', 'unverified'], ['dina', 'email'], ['evi', 'settling'], ['noor', 'no-address']] as const) {
    const { context, page } = await signIn(username);
    if (username === 'cleo' || username === 'dina') await t.shoot(page, `rollout-prompt-${name}`, locale);
    await page.click('button[value="now"]');
    await page.waitForSelector('input[name="pass"]');
    await t.shoot(page, `proof-${name}`, locale);
    if (username === 'cleo') {
      await page.click('input[name="action"][value="verify"] ~ button');
      await page.waitForSelector('[data-verified-continue]');
      await t.shoot(page, 'proof-verify-sent', locale);
    }
    await context.close();
  }

  const reset = await signIn('carla');
  await reset.page.waitForSelector('[data-reset-notice]');
  await t.shoot(reset.page, 'proof-after-reset', locale);
  await reset.page.fill('input[name="pass"]', await stack.accessPass(t.cashierId));
  await reset.page.click('form:has(input[name="pass"]) button[type="submit"]');
  await reset.page.waitForSelector('input[name="stage"][value="begin"]', { state: 'attached' });
  await t.shoot(reset.page, 'enrol-after-reset', locale);
  await reset.context.close();

  // a cashier's Security & ID: the address to verify, in the email section
  const own = await t.browser.newContext({ locale: locale === 'nl' ? 'nl-NL' : 'en-GB', viewport: { width: 1280, height: 900 } });
  const account = await own.newPage();
  await account.goto(`${stack.issuer}/account/login?ui_locales=${locale}`);
  if (await account.locator('input[name="store"]').count()) {
    await account.fill('input[name="store"]', t.prefix);
    await account.click('button[type="submit"]');
  }
  await account.fill('input[name="username"]', 'cleo');
  await account.fill('input[name="password"]', t.password);
  await account.click('button[type="submit"]');
  // the roll-out prompt first: "Remind me later" signs in with the password
  await account.click('button[value="later"]');
  await account.waitForSelector('[data-email-unverified]');
  await t.shoot(account, 'account-verify-email', locale);
  await own.close();
}
