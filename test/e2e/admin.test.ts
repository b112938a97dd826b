// In a real browser (Debian chromium via playwright-core): an admin signs in to /admin with a code, resets a cashier's MFA
// and reads it in the audit log on a phone (S11, B12, B5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type E2e, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

const ADMIN_PASSWORD = 'admin passphrase 2026';

describe('admin console in a browser (S11, B12)', () => {
  let e2e: E2e;
  let ada: StoreUser;
  let cashierId: string;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner');
    ada = await corner.add('ada', 'admin', { password: ADMIN_PASSWORD, totp: true });
    cashierId = (await corner.add('casey', 'cashier', { password: 'cashier passphrase 2026', totp: true })).id;
  });
  after(() => e2e?.close());

  it('the admin signs in with a computed code and resets a cashier\'s MFA', async () => {
    const page = await e2e.page();
    await signInToAdmin(page, e2e, ada);
    assert.equal(await page.textContent('h1'), 'Admin console');

    await page.click('.admin-nav a[href="/admin/users"]');
    await page.waitForURL(`${e2e.issuer}/admin/users`);
    assert.equal(await page.getAttribute('tr[data-user="casey"] [data-mfa-status]', 'data-mfa-status'), 'active');
    await page.click('tr[data-user="casey"] a');
    await page.waitForURL(`${e2e.issuer}/admin/users/${cashierId}`);
    await page.click('a[data-action="reset-mfa"]');
    await page.waitForURL(`${e2e.issuer}/admin/users/${cashierId}/mfa/reset`);
    assert.match((await page.textContent('.lead')) ?? '', /reset multi-factor authentication for casey name \(casey\)/);

    // the browser itself refuses the form until the identity check is ticked
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await page.click('form[action$="/mfa/reset"] button[type="submit"]');
    assert.equal(page.url(), `${e2e.issuer}/admin/users/${cashierId}/mfa/reset`);
    assert.equal((await e2e.stack.services.users.byId(cashierId))!.mfaEnabled, true);

    await page.check('input[name="confirm"]');
    await page.click('form[action$="/mfa/reset"] button[type="submit"]');
    // the reset answers with the cashier's temporary access pass, shown this once (B17)
    await page.waitForSelector('.access-pass code');
    assert.match((await page.textContent('[role="status"]')) ?? '', /has been reset/);
    assert.match((await page.textContent('.access-pass code')) ?? '', /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    await page.click('a.btn-primary');
    await page.waitForURL(`${e2e.issuer}/admin/users/${cashierId}`);
    assert.equal(await page.getAttribute('[data-mfa-status]', 'data-mfa-status'), 'reset');

    const cashier = (await e2e.stack.services.users.byId(cashierId))!;
    assert.equal(cashier.mfaEnabled, false);
    assert.equal(cashier.mustEnrol, true);
    assert.ok(e2e.stack.notifications.some((n) => n.type === 'mfa_reset' && n.userId === cashierId));

    // the audit log on a 390 px phone, in Dutch: the reset as a sentence, each event a card, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${e2e.issuer}/admin/audit?ui_locales=nl`);
    const reset = page.locator('tr[data-category="mfa"]', { hasText: 'heeft de multifactorauthenticatie van kassamedewerker casey name opnieuw ingesteld' });
    assert.equal(await reset.count(), 1);
    assert.notEqual(await reset.evaluate((row) => getComputedStyle(row).display), 'table-row', 'a card, not a table row');
    assert.ok(await reset.evaluate((row) => row.getBoundingClientRect().width <= 390));
    assert.equal(await page.locator('thead').evaluate((head) => head.getBoundingClientRect().height <= 1), true, 'column heads hidden visually');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
    assert.match((await page.locator('tr[data-category="signin"] td[data-label="Bijzonderheden"]').first().textContent()) ?? '', /wachtwoord \+ authenticatie-app/);
    await page.context().close();
  });
});
