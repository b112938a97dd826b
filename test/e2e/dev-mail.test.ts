// In a real browser (Debian chromium via playwright-core): the development mail page shows an email's HTML in its
// sandboxed frame, styled, and its "Verify email address" button opens the provider in a new tab (issue 12 item 5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type E2e, startE2e } from './harness/index.js';

describe('development mail in a browser (issue 12 item 5)', () => {
  let e2e: E2e;
  let ownerId: string;

  before(async () => {
    e2e = await startE2e({ mail: 'dev' });
    // a British store: its users' mail is in English
    const bistro = await e2e.store('bistro', { country: 'GB' });
    ownerId = (await bistro.add('bea', 'owner', { password: 'owner passphrase 2026', totp: true, fields: { name: 'Bea Owner' } })).id;
    await e2e.sendMail();
  });
  after(() => e2e?.close());

  it('the email renders with its inline styles, runs no script, and its button opens the verify page in a new tab', async () => {
    const context = await e2e.context();
    const violations: string[] = [];
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${e2e.issuer}/dev/mail`);
    await page.getByRole('heading', { name: 'Development mail' }).waitFor();
    const mail = page.frameLocator('iframe.dev-mail-html');
    const button = mail.getByRole('link', { name: 'Verify email address' });
    await button.waitFor();
    // the inline style of the email's button applies (the page's policy allows inline styles for the frame)
    assert.equal(await button.evaluate((a) => getComputedStyle(a).backgroundColor), 'rgb(11, 92, 173)');
    assert.deepEqual(violations, []);
    const [tab] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await tab.waitForLoadState();
    assert.match(tab.url(), /\/account\/verify-email\?token=/);
    await tab.getByRole('heading', { name: /Email address verified/i }).waitFor();
    assert.equal((await e2e.stack.db.models.User.findById(ownerId).lean())!.emailVerified, true);
    await context.close();
  });
});
