// Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn: ctap2, internal, resident keys, user
// verification) driven by playwright-core. Register on Security & ID, sign in on the demo POS (acr phr), a cloned
// authenticator with a lower counter is refused, and the passkey is removed (issue 11 item 4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ACR } from '../../src/provider/acr.js';
import { addPasskey, answerSignIn, type E2e, signInToAccount, type StoreUser, startE2e, VirtualAuthenticator } from './harness/index.js';

const PASSWORD = 'manager passphrase 12';

describe('passkeys in a browser (issue 11)', () => {
  let e2e: E2e;
  let mara: StoreUser;
  let page: Page;
  let device: VirtualAuthenticator;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner');
    mara = await corner.add('mara', 'manager', { password: PASSWORD, totp: true });
    const context = await e2e.context();
    page = await context.newPage();
    device = await VirtualAuthenticator.attach(context, page);
  });
  after(() => e2e?.close());

  // "Switch user" on the demo POS: a fresh sign-in (prompt=login) in this browser, which is signed in already
  async function switchUser() {
    await page.goto(e2e.demoUrl);
    if (!(await page.locator('#switch-user').count())) {
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.waitForSelector('#switch-user');
    }
    await page.click('#switch-user');
  }

  it('registers a passkey on Security & ID with the browser\'s own dialog', async () => {
    await signInToAccount(page, e2e, mara);
    await addPasskey(page, e2e, mara, 'Till 2');
    assert.match((await page.textContent('[role="status"]')) ?? '', /The passkey has been added\./);
    assert.match((await page.textContent('.passkeys')) ?? '', /Till 2/);
    const credentials = await device.credentials();
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.rpId, 'localhost');
  });

  it('signs in on the demo POS with the passkey, offered first; the token says phr', async () => {
    await switchUser();
    await answerSignIn(page, mara, 'none');
    await page.waitForSelector('h1:has-text("Use your passkey")');
    await page.click('button[data-passkey-start]');
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#acr'), ACR.phr);
    assert.equal(await page.textContent('#amr'), '["pwd","hwk","user","mfa"]');
  });

  it('refuses a cloned authenticator whose counter is lower, and audits it', async () => {
    const original = (await device.credentials())[0]!;
    assert.ok(original.signCount >= 2, `signed ${original.signCount} times`);
    // a copy of the key on another authenticator, whose counter starts over
    await device.replaceWith([{ ...original, signCount: 0 }]);
    await switchUser();
    await answerSignIn(page, mara, 'none');
    await page.waitForSelector('h1:has-text("Use your passkey")');
    await page.click('button[data-passkey-start]');
    await page.waitForSelector('#form-error, [role="alert"]:not([hidden])');
    assert.match((await page.textContent('main')) ?? '', /its counter went backwards/);
    assert.ok(await e2e.stack.db.models.AuditEvent.exists({ type: 'mfa.passkey_counter_regression', userId: mara.id }));
    // the real authenticator comes back
    await device.replaceWith([original]);
    // the user takes the app instead
    await page.click('a:has-text("Use my authenticator app")');
    await page.fill('input[name="code"]', await mara.app!.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#acr'), ACR.mfa);
  });

  it('removes the passkey: a confirmation with the password; emailed', async () => {
    await page.goto(`${e2e.issuer}/account`);
    await page.waitForURL(`${e2e.issuer}/account`);
    await page.click('.passkeys a:has-text("Remove")');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button:has-text("Remove passkey")');
    await page.waitForURL(`${e2e.issuer}/account?done=passkey_removed`);
    assert.match((await page.textContent('main')) ?? '', /You have no passkeys yet\./);
    assert.ok(e2e.stack.notifications.some((n) => n.type === 'passkey_removed' && n.userId === mara.id));
  });
});
