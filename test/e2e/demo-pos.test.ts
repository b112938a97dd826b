// In a real browser (Debian chromium via playwright-core): sign in on the demo POS, enrol MFA, sign in with a code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, enrolInWizard, openPosSignIn, signInAtPos, type StoreUser, startE2e } from './harness/index.js';

describe('demo POS in a browser (issue 2 item 7, S6-S8)', () => {
  let e2e: E2e;
  let casey: StoreUser;
  let ada: StoreUser;
  let cody: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner');
    casey = await corner.add('casey', 'cashier', { password: 'cashier passphrase 9' });
    ada = await corner.add('ada', 'admin', { password: 'admin passphrase 9' });
    cody = await corner.add('cody', 'cashier', { password: 'cashier passphrase 8' });
  });
  after(() => e2e?.close());

  it('a cashier signs in on the demo POS and sees their name, role, acr and amr', async () => {
    const page = await e2e.page();
    await signInAtPos(page, e2e, casey);
    assert.equal(await page.textContent('#user-name'), 'casey name');
    assert.equal(await page.textContent('#role'), 'cashier');
    assert.equal(await page.textContent('#amr'), '["pwd"]');

    // S9: another cashier takes over the register; the provider ends casey's session on the way
    await page.click('#switch-user');
    await answerSignIn(page, cody);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'cody name');
    await page.context().close();
  });

  it('an admin enrols MFA in the sign-in wizard and then signs in with a computed code', async () => {
    const page = await e2e.page();
    await openPosSignIn(page, e2e);
    await answerSignIn(page, ada);
    // the temporary access pass an owner handed over (B17)
    ada.app = await enrolInWizard(page, e2e.appFor, await e2e.stack.accessPass(ada.id));
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#amr'), '["pwd","otp","mfa"]');

    // switch user (S9): password and code again
    await page.click('#switch-user');
    await answerSignIn(page, ada, 'none');
    await page.fill('input[name="code"]', '000000');
    await page.click('button[type="submit"]');
    assert.match((await page.textContent('[role="alert"]')) ?? '', /Invalid authentication code entered\. Try again\./);
    await page.fill('input[name="code"]', await ada.app.code());
    await page.click('button[type="submit"]');
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await page.textContent('#user-name'), 'ada name');
    assert.equal(await page.textContent('#acr'), 'urn:pos-idp:acr:mfa');
    await page.context().close();
  });
});
