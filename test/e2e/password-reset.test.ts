// In a real browser (Debian chromium via playwright-core): "Forgot your password?" from the demo POS, the emailed
// link (real SMTP), the code, a new password, and back to the same sign-in, which asks the new password (B14).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, openPosSignIn, type StoreUser, startE2e } from './harness/index.js';

describe('forgot password in a browser (B14)', () => {
  let e2e: E2e;
  let mo: StoreUser;

  before(async () => {
    e2e = await startE2e({ mail: 'smtp' });
    const corner = await e2e.store('corner', { name: 'Corner Coffee', country: 'GB' });
    mo = await corner.add('mo', 'manager', { password: 'manager passphrase 1', totp: true });
  });
  after(() => e2e?.close());

  it('asks the username, emails a link, asks the code before the new password, then continues the same sign-in', async () => {
    const page = await e2e.page();
    await openPosSignIn(page, e2e);
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    assert.match(await page.textContent('main') ?? '', /Corner Coffee/);
    await page.fill('input[name="username"]', 'mo');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    await e2e.sendMail();
    const mail = await e2e.smtp!.waitFor((m) => m.to.includes('mo@example.test') && /Reset your password/.test(m.subject));
    const link = /(http:\/\/\S+\/password-reset\/\S+)/.exec(mail.text)?.[1];
    assert.ok(link);
    await page.goto(link);
    await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
    assert.equal(await page.locator('input[name="new_password"]').count(), 0, 'no new password before the code');
    await page.fill('input[name="code"]', await mo.app!.code());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.fill('input[name="new_password"]', 'manager passphrase 2');
    await page.fill('input[name="confirm_password"]', 'manager passphrase 2');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    // back to the sign-in it was asked from: the new password and the code, as always
    await page.getByRole('link', { name: 'Continue signing in' }).click();
    assert.equal(await page.inputValue('input[name="username"]'), 'mo');
    mo.password = 'manager passphrase 2';
    await answerSignIn(page, mo);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'mo name');
    await page.context().close();
  });
});
