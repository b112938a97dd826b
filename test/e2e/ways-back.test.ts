// In a real browser: from the demo POS to Security & ID and back with "Back to Demo POS" (issue 13 item 3), still
// signed in on the register; the account page has no "Trouble signing in?" footer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, openPosSignIn, type StoreUser, startE2e } from './harness/index.js';

describe('a way back from Security & ID to the POS (issue 13 item 3)', () => {
  let e2e: E2e;
  let casey: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { country: 'GB' });
    casey = await corner.add('casey', 'cashier', { password: 'cashier passphrase 9' });
  });
  after(() => e2e?.close());

  it('Security & ID on the POS leads to the account page, whose "Back to Demo POS" returns to the register', async () => {
    const page = await e2e.page({ size: 'phone', locale: 'en' });
    await openPosSignIn(page, e2e);
    await page.fill('input[name="store"]', 'corner');
    await page.click('button[type="submit"]');
    assert.equal(await page.locator('footer.footer').count(), 1, 'the sign-in pages keep their help footer');
    await answerSignIn(page, casey);
    await page.waitForURL(`${e2e.demoUrl}/`);

    await page.click('#security');
    await page.waitForURL(`${e2e.issuer}/account?**`);
    const back = page.locator('a[data-back-to-client]');
    assert.equal((await back.textContent())?.trim(), 'Back to Demo POS');
    assert.equal(await page.locator('footer.footer').count(), 0, 'no "Trouble signing in?" where the user is signed in');
    // still there on the next account page of the visit
    await page.goto(`${e2e.issuer}/account/mfa/remove`);
    await back.click();
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'casey name');
    await page.context().close();
  });
});
