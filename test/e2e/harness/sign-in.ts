// Signing in as a person in the browser, the way a person does it: on the demo POS, the admin console or Security & ID,
// with the password alone or with an authenticator app's code, a recovery code or a passkey.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AuthenticatorApp } from '../../helpers/totp-device.js';
import type { CodeSource, Person } from './people.js';

/** Where the provider and the demo POS answer. */
export interface Site {
  issuer: string;
  demoUrl: string;
}

export type SecondFactor = 'totp' | 'recovery' | 'passkey' | 'none';

/**
 * Answers the provider's sign-in pages from the one shown: the store URL if it is asked, username and password, then
 * the second factor (by default the app's code when the person has an app). Stops where the sign-in leaves them.
 */
export async function answerSignIn(page: Page, person: Person, factor: SecondFactor = person.app ? 'totp' : 'none'): Promise<void> {
  await page.waitForSelector('input[name="store"], input[name="username"]');
  if (await page.locator('input[name="store"]').count()) {
    await page.fill('input[name="store"]', person.store);
    await page.click('button[type="submit"]');
  }
  await page.fill('input[name="username"]', person.username);
  await page.fill('input[name="password"]', person.password);
  await page.click('button[type="submit"]');
  if (factor === 'totp') {
    assert.ok(person.app, `${person.username} has no authenticator app`);
    await page.fill('input[name="code"]', await person.app.code());
    await page.click('button[type="submit"]');
  } else if (factor === 'recovery') {
    const code = person.recoveryCodes?.shift();
    assert.ok(code, `${person.username} has no recovery code left`);
    await page.click('a[href$="/use-recovery"]');
    await page.fill('input[name="code"]', code);
    await page.click('button[type="submit"]');
  } else if (factor === 'passkey') {
    // the page's script shows the button once the browser can do WebAuthn; the virtual authenticator answers
    await page.click('button[data-passkey-start]');
  }
}

/** "Sign in" on the demo POS's register screen: the provider's first sign-in page opens. */
export async function openPosSignIn(page: Page, site: Site): Promise<void> {
  await page.goto(site.demoUrl);
  await page.click('a[href="/login"]');
}

/** A whole sign-in on the demo POS, up to its register screen. */
export async function signInAtPos(page: Page, site: Site, person: Person, factor?: SecondFactor): Promise<void> {
  await openPosSignIn(page, site);
  await answerSignIn(page, person, factor);
  await page.waitForURL(`${site.demoUrl}/`);
}

/** Signs in to the admin console of the person's store and lands on its start page. */
export async function signInToAdmin(page: Page, site: Site, person: Person): Promise<void> {
  const start = `${site.issuer}/admin?store=${person.store}`;
  await page.goto(start);
  await answerSignIn(page, person);
  await page.waitForURL(start);
}

/** Signs in to Security & ID (the account page). */
export async function signInToAccount(page: Page, site: Site, person: Person, factor?: SecondFactor): Promise<void> {
  await page.goto(`${site.issuer}/account/login`);
  await answerSignIn(page, person, factor);
  await page.waitForURL(`${site.issuer}/account`);
}

/** Adds a passkey on Security & ID (signed in there already) with the browser's own dialog. */
export async function addPasskey(page: Page, site: Site, person: Person, name: string): Promise<void> {
  await page.goto(`${site.issuer}/account`);
  await page.click('summary:has-text("Add a passkey")');
  await page.fill('#passkey-name', name);
  await page.fill('#password-passkey', person.password);
  await page.click('form[action="/account/passkeys/new"] button[type="submit"]');
  await page.waitForURL(`${site.issuer}/account/passkeys/register`);
  await page.click('button[data-passkey-start]');
  await page.waitForURL(`${site.issuer}/account?done=passkey_added`);
}

/**
 * The enrolment wizard at sign-in, from a temporary access pass (when `pass` is given) or its Begin page to the end:
 * scan (the text code is read from the page), a code, the twelve recovery codes saved, Done. Returns the new app.
 */
export async function enrolInWizard(page: Page, appFor: (secret: string) => CodeSource, pass?: string): Promise<CodeSource> {
  if (pass !== undefined) {
    await page.fill('input[name="pass"]', pass);
    await page.click('form:has(input[name="pass"]) button[type="submit"]');
  }
  await page.click('button[type="submit"]'); // Begin: the sign-in just proved the password, so the QR code comes next
  await page.waitForSelector('svg');
  const app = appFor(AuthenticatorApp.fromEnrolmentPage(await page.content()).secret);
  await page.click('button[type="submit"]'); // Next
  await page.fill('input[name="code"]', await app.code());
  await page.click('button[type="submit"]'); // Confirm
  assert.equal(await page.locator('code[data-copy-item]').count(), 12, 'twelve recovery codes');
  await page.check('input[name="saved"]');
  await page.click('button[type="submit"]'); // Done
  return app;
}
