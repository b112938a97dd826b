// Screenshot tour, issue 23's pages: Quick switch on a browser that is no trusted register, a register trusted on the
// Registers page (its time zones), its sign-in without the store URL, the people to switch to and the PIN keypad,
// manager approval (the sign-in with its banner, the decision, Decline and an expired request, on the provider and
// back at the POS) and the development mail page. Runs last: it signs the admin's browser out at the POS.
import type { Browser, Page } from 'playwright-core';
import type { Locale } from '../src/services/locale.js';
import type { Stack } from '../test/helpers/stack.js';
import type { AuthenticatorApp } from '../test/helpers/totp-device.js';

const PIN = '2580';

export interface RegisterTour {
  browser: Browser;
  stack: Stack;
  demoUrl: string;
  locale: Locale;
  prefix: string;
  storeId: string;
  password: string;
  /** the admin console, signed in: this browser becomes the trusted till */
  admin: Page;
  /** moves the provider's clock ahead (0: back to now) */
  setClockAhead(ms: number): void;
  shoot(page: Page, name: string, locale: Locale, opts?: { fullPage?: boolean }): Promise<void>;
}

async function passwordAndCode(page: Page, username: string, password: string, app: AuthenticatorApp) {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.fill('input[name="code"]', await app.code());
  await page.click('button[type="submit"]');
}

export async function shootRegister(t: RegisterTour): Promise<void> {
  const { stack, locale, shoot } = t;
  const managerId = await stack.createUser(t.storeId, 'mia', 'manager', t.password, { name: locale === 'nl' ? 'Mia Bedrijfsleider' : 'Mia Manager' });
  const manager = await stack.enrol(managerId, t.prefix, 'mia');
  // a cashier of her own (the proof-ways tour reset the other one's MFA), with an app and a PIN
  const cashierId = await stack.createUser(t.storeId, 'cora', 'cashier', t.password, { name: 'Cora Cashier' });
  const cashier = await stack.enrol(cashierId, t.prefix, 'cora');
  const pinSet = await stack.services.quickSwitch.setPin({ id: cashierId, storeId: t.storeId }, PIN, PIN);
  if (!pinSet.ok) throw new Error('the tour could not set a PIN');

  // a browser that is no trusted register
  const stranger = await t.browser.newContext({ locale: locale === 'nl' ? 'nl-NL' : 'en-GB', viewport: { width: 1280, height: 900 } });
  const away = await stranger.newPage();
  await away.goto(`${t.demoUrl}/?lang=${locale}`);
  await away.click('#quick-switch');
  await away.waitForSelector('#quick-switch-why');
  await shoot(away, 'quick-switch-unavailable', locale);
  await stranger.close();

  // the admin trusts this browser as a register
  const till = t.admin;
  await till.goto(`${stack.issuer}/admin/registers`);
  await till.fill('#register-name', 'Till 2');
  await till.click('#trust-form button[type="submit"]');
  await till.waitForSelector('#this-register');
  await shoot(till, 'admin-registers-trusted', locale);

  // signed out at the POS, the till's next sign-in starts at the password
  await till.goto(`${t.demoUrl}/?lang=${locale}`);
  if (await till.locator('#sign-out').count()) {
    await till.click('#sign-out');
    await till.waitForURL(`${t.demoUrl}/`);
  }
  await till.click('a[href="/login"]');
  await till.waitForSelector('input[name="username"]');
  await shoot(till, 'register-signin-password', locale);
  await passwordAndCode(till, 'cora', t.password, cashier);
  await till.waitForURL(`${t.demoUrl}/`);
  await till.click('#sign-out');
  await till.waitForURL(`${t.demoUrl}/`);

  // Quick switch: who, then the PIN with its keypad
  await till.click('#quick-switch');
  await till.waitForSelector('.switch-tile');
  await shoot(till, 'quick-switch', locale);
  await till.click('.switch-tile');
  await till.waitForSelector('#pin');
  await shoot(till, 'quick-switch-pin', locale);
  await till.fill('#pin', PIN);
  await till.press('#pin', 'Enter');
  await till.waitForURL(`${t.demoUrl}/`);

  // manager approval: the sign-in with its banner, the decision, Decline back at the POS
  const approvalUntilDecision = async () => {
    await till.click('#refund');
    await till.waitForSelector('#approval-banner');
    return async () => {
      await passwordAndCode(till, 'mia', t.password, manager);
      await till.waitForSelector('.approval-decision');
    };
  };
  await (await approvalUntilDecision())();
  await shoot(till, 'approval', locale);
  await till.click('button[value="decline"]');
  await till.waitForSelector('#refund-declined');
  await shoot(till, 'approval-declined-pos', locale);
  await till.click('#back');
  await till.waitForSelector('#refund');

  // an approval left open past its interaction's lifetime
  const signIn = await approvalUntilDecision();
  await shoot(till, 'approval-signin', locale);
  await signIn();
  t.setClockAhead(2 * 3600_000);
  try {
    await till.click('button[value="approve"]');
    await till.waitForSelector('#approval-expired');
    await shoot(till, 'approval-expired', locale);
    await till.click('#back-to-register');
    await till.waitForSelector('#refund-declined');
    await shoot(till, 'approval-expired-pos', locale);
  } finally {
    t.setClockAhead(0);
  }

  await till.goto(`${stack.issuer}/dev/mail`);
  // every email of the tour is listed: its first screen is what a developer sees
  await shoot(till, 'dev-mail', locale, { fullPage: false });
}
