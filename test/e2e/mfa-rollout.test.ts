// In a real browser (Debian chromium via playwright-core): the MFA roll-out prompt before the deadline on the demo POS,
// and the admin's MFA coverage page with its reminder button (B21).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { storeToday } from '../../src/services/rollout/deadline.js';
import { answerSignIn, type E2e, openPosSignIn, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

const PW = 'roll-out passphrase 2026';

describe('MFA roll-out in a browser (B21)', () => {
  let e2e: E2e;
  let ada: StoreUser;
  let casey: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const deadline = storeToday(new Date(e2e.clock.now().getTime() + 12 * 86_400_000), { country: 'NL' });
    const corner = await e2e.store('corner', { 'policy.cashierMfaBy': deadline, rollout: true });
    ada = await corner.add('ada', 'admin', { password: PW, totp: true });
    casey = await corner.add('casey', 'cashier', { password: PW });
    await corner.add('cody', 'cashier', { password: PW, fields: { email: null } });
  });
  after(() => e2e?.close());

  it('a cashier is asked before the deadline, chooses "Remind me later" and reaches the register with amr pwd', async () => {
    const page = await e2e.page();
    await openPosSignIn(page, e2e);
    await answerSignIn(page, casey);
    await page.waitForSelector('[data-rollout-deadline]');
    assert.match((await page.textContent('[data-rollout-deadline]')) ?? '', /set up multi-factor authentication by \d{1,2} \w+ \d{4}\. 12 days left\./);
    assert.ok(await page.getByRole('button', { name: 'Set up now' }).isVisible());
    await page.getByRole('button', { name: 'Remind me later' }).click();
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pwd"]');
    await page.context().close();
  });

  it('the admin opens MFA coverage from the console\'s menu, sees the counts and sends a reminder', async () => {
    const page = await e2e.page({ size: 'phone' });
    await signInToAdmin(page, e2e, ada);
    await page.click('.admin-nav a[href="/admin/mfa-coverage"]');
    await page.waitForURL(`${e2e.issuer}/admin/mfa-coverage`);
    assert.equal(await page.textContent('h1'), 'MFA coverage');
    assert.equal(await page.textContent('tr[data-role="cashier"] [data-count="due"]'), '2');
    assert.equal(await page.textContent('tr[data-role="admin"] [data-count="active"]'), '1');
    assert.ok(await page.locator('tr[data-user="cody"]').getByRole('button', { name: 'Temporary access pass' }).isVisible());
    await page.locator('tr[data-user="casey"]').getByRole('button', { name: 'Send reminder' }).click();
    await page.waitForURL(/done=sent/);
    assert.match((await page.textContent('[role="status"]')) ?? '', /The reminder has been sent\./);
    assert.ok(e2e.stack.notifications.some((n) => n.type === 'rollout_reminder'));
    await page.context().close();
  });

  // issue 19 items 2-3: what a person sees of the ways to set MFA up
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('on a phone, "Set up now" shows both ways: the pass, and verifying the address for a link (issue 19 item 3)', async () => {
    const page = await e2e.page({ size: 'phone' });
    await page.goto(`${e2e.demoUrl}/?lang=en`);
    await page.click('a[href="/login"]');
    await answerSignIn(page, casey);
    assert.match((await page.textContent('[data-rollout-need]')) ?? '', /temporary access pass from your store's owner or an administrator, or a link to your email address once you have verified it/);
    await page.click('button[value="now"]');
    await page.waitForSelector('input[name="pass"]');
    assert.ok(await page.getByRole('button', { name: 'Send me a verification link' }).isVisible());
    assert.equal(await noSidewaysScroll(page), 0);
    await page.getByRole('button', { name: 'Send me a verification link' }).click();
    await page.waitForSelector('[data-verified-continue]');
    assert.match((await page.textContent('[role="status"]')) ?? '', /We sent a verification link to your email address/);
    assert.ok(e2e.stack.notifications.some((n) => n.type === 'email_verification'));
    await page.context().close();
  });

  it('the admin prints passes for everyone listed: slips on a phone, and on paper nothing but the slips (issue 19 item 2)', async () => {
    const page = await e2e.page({ size: 'phone' });
    await signInToAdmin(page, e2e, ada);
    await page.goto(`${e2e.issuer}/admin/mfa-coverage`);
    await page.fill('#slips-password', PW);
    await page.getByRole('button', { name: 'Make 2 passes and print the slips' }).click();
    await page.waitForSelector('.slip');
    assert.equal(await page.locator('.slip').count(), 2);
    assert.ok(await page.getByRole('button', { name: 'Print' }).isVisible(), 'the Print button (shown by the script)');
    assert.equal(await noSidewaysScroll(page), 0);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.slips-intro').isVisible(), false, 'on paper: no instructions, buttons or menu');
    assert.equal(await page.locator('.admin-nav').isVisible(), false);
    assert.ok(await page.locator('.slip').first().isVisible());
    assert.match((await page.locator('.slip').first().textContent()) ?? '', /[A-Z2-9]{4}(-[A-Z2-9]{4}){3}/);
    await page.context().close();
  });
});
