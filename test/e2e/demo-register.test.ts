// In a real browser: the demo POS is a register screen in English and Dutch; the provider's pages follow the language
// chosen on the register (ui_locales, B8), and the token details are folded away (issue 13 item 9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, type StoreUser, startE2e } from './harness/index.js';

describe('demo POS register screen in English and Dutch (issue 13 item 9, B8)', () => {
  let e2e: E2e;
  let noor: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const bakery = await e2e.store('bakery');
    noor = await bakery.add('noor', 'cashier', { password: 'cashier passphrase 9' });
  });
  after(() => e2e?.close());

  it('chosen Dutch on the register: Dutch sign-in pages, a Dutch register screen, claims under "Technische details"', async () => {
    const page = await e2e.page({ locale: 'en-GB' });
    await page.goto(e2e.demoUrl);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: 'Nederlands' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.match((await page.textContent('main')) ?? '', /Deze kassa is vergrendeld\./);
    await page.getByRole('link', { name: 'Inloggen' }).click();
    // the provider speaks the register's language although the browser asks for English
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await answerSignIn(page, noor);
    await page.waitForURL(`${e2e.demoUrl}/`);

    assert.equal(await page.textContent('#user-name'), 'noor name');
    assert.equal(await page.textContent('#role-name'), 'Kassamedewerker');
    assert.equal(await page.textContent('#signed-in-with'), 'Ingelogd met wachtwoord');
    assert.equal(await page.textContent('#switch-user'), 'Gebruiker wisselen');
    // the token details are there for developers, folded away
    const details = page.locator('#technical-details');
    assert.equal(await details.getAttribute('open'), null);
    assert.equal(await page.isVisible('#acr'), false);
    assert.match((await details.locator('summary').textContent()) ?? '', /Technische details/);
    await details.locator('summary').click();
    assert.equal(await page.isVisible('#acr'), true);
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:pwd');
    assert.equal(await page.textContent('#amr'), '["pwd"]');

    // back to English on the same register
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.textContent('#role-name'), 'Cashier');
    assert.equal(await page.textContent('#signed-in-with'), 'Signed in with password');
    // nothing spills sideways on a phone-sized register
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await page.context().close();
  });
});
