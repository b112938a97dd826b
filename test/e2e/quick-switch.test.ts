// In a real browser (Debian chromium): an admin trusts the register from the register itself, two people sign in fully
// on the demo POS there, and "Switch" brings the first back with her PIN; the POS shows amr ["pin"], the switch acr
// and the register (B19).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, signInToAdmin, type StoreUser, startE2e } from './harness/index.js';

describe('quick switching on a trusted register in a browser (B19)', () => {
  let e2e: E2e;
  let ada: StoreUser;
  let cara: StoreUser;
  let mia: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner');
    ada = await corner.add('ada', 'admin', { password: 'admin passphrase 19', totp: true });
    cara = await corner.add('cara', 'cashier', { password: 'cashier passphrase 19', totp: true });
    mia = await corner.add('mia', 'manager', { password: 'manager passphrase 19', totp: true });
    const pin = await e2e.stack.services.quickSwitch.setPin({ id: cara.id, storeId: corner.id }, '2580', '2580');
    assert.ok(pin.ok);
  });
  after(() => e2e?.close());

  it('an admin trusts the register, two full sign-ins there, then "Switch" and a PIN bring the cashier back', async () => {
    const page = await e2e.page();
    // on the register itself: the admin console, "Trust this register"
    await signInToAdmin(page, e2e, ada);
    await page.getByRole('link', { name: 'Registers' }).click();
    await page.fill('#register-name', 'Till 2');
    await page.getByRole('button', { name: 'Trust this register' }).click();
    assert.equal(await page.textContent('#this-register'), 'This browser is the trusted register "Till 2".');

    // the demo POS there starts with the admin's session; cara, then mia sign in fully ("Switch user")
    await page.goto(e2e.demoUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'ada name');
    await page.click('#switch-user');
    await answerSignIn(page, cara);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cara name');
    await page.click('#switch-user');
    await answerSignIn(page, mia);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'mia name');

    // "Switch": the provider's grid of who signed in fully here today, then cara's PIN
    await page.click('#quick-switch');
    await page.waitForSelector('.switch-grid');
    assert.equal(await page.textContent('h1'), 'Who is switching in?');
    assert.equal(await page.locator('.switch-tile').count(), 2);
    await page.locator(`.switch-tile[data-user="${cara.id}"]`).click();
    assert.equal(await page.textContent('h1'), 'Hello cara name, enter your PIN');
    // a wrong PIN first: translated, counted, nothing signed in
    await page.fill('input[name="pin"]', '1357');
    await page.getByRole('button', { name: 'Switch' }).click();
    assert.match((await page.textContent('#form-error')) ?? '', /Wrong PIN\. 4 tries left/);
    await page.fill('input[name="pin"]', '2580');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cara name');
    assert.equal(await page.textContent('#amr'), '["pin"]');
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:switch');
    assert.equal(await page.textContent('#register'), 'Till 2');

    // Partner reports demand MFA: the switch token is refused and the step-up asks for the full sign-in
    await page.click('#reports');
    await page.waitForSelector('input[name="password"]');
    assert.equal(await page.locator('input[name="pin"]').count(), 0);
    await page.context().close();
  });
});
