// In a real browser (Debian chromium via playwright-core): the demo POS's "Refund €120" button asks a manager's
// approval (B20); the manager signs in with password and code and approves; the refund is booked once; the register
// is still the cashier's; a second use of the same approval is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, signInAtPos, type StoreUser, startE2e } from './harness/index.js';

describe('manager approval through the demo POS in a browser (B20)', () => {
  let e2e: E2e;
  let carla: StoreUser;
  let mia: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { country: 'GB' });
    carla = await corner.add('carla', 'cashier', { password: 'cashier passphrase 9' });
    mia = await corner.add('mia', 'manager', { password: 'manager passphrase 9', totp: true });
  });
  after(() => e2e?.close());

  it('Refund €120: the manager approves on the register, the refund is booked once, the register stays the cashier\'s', async () => {
    const page = await e2e.page({ locale: 'en-GB' });
    await signInAtPos(page, e2e, carla);
    await page.click('#refund');
    // the provider's pages say what is approved and that the register stays the cashier's
    assert.match((await page.textContent('#approval-banner')) ?? '', /refund of €120\.00 on Till 2 for cashier carla name/);
    await answerSignIn(page, mia);
    assert.match((await page.textContent('h1 + .lead')) ?? '', /Approve a refund of €120\.00 on Till 2 for cashier carla name \(transaction T-\d+\)\?/);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForSelector('#refund-booked');
    assert.match((await page.textContent('#refund-booked')) ?? '', /Refund of €120\.00 booked \(transaction T-\d+\), approved by mia name for carla name\./);

    // single use: the same approval a second time is refused by the provider
    await page.click('#use-again');
    assert.match((await page.textContent('#refund-refused')) ?? '', /refused: this approval was already used/);

    // the register is still signed in as the cashier
    await page.click('#back');
    assert.equal(await page.textContent('#user-name'), 'carla name');
    assert.equal(await page.textContent('#role'), 'cashier');
    await page.context().close();
  });

  it('Decline, in Dutch: the refund is not booked and the POS says so (B8)', async () => {
    const page = await e2e.page({ locale: 'nl-NL' });
    await signInAtPos(page, e2e, carla);
    await page.click('#refund');
    await answerSignIn(page, mia);
    assert.match((await page.textContent('h1 + .lead')) ?? '', /Een terugbetaling van €\s120,00 op Till 2 voor kassamedewerker carla name/);
    assert.match((await page.textContent('.approval-facts')) ?? '', /Beslissing door/);
    assert.match((await page.textContent('#approval-banner')) ?? '', /Goedkeuring door een bedrijfsleider/);
    await page.getByRole('button', { name: 'Afwijzen' }).click();
    await page.waitForSelector('#refund-declined');
    // the register says what happened (issue 23): declined, not "no manager approved it"; and leads back
    assert.match((await page.textContent('#refund-declined')) ?? '', /Terugbetaling van €\s120,00 niet geboekt: de bedrijfsleider heeft die afgewezen\./);
    await page.click('#back');
    await page.waitForSelector('#refund');
    await page.context().close();
  });

  it('an approval left open until it expired says so, and leads back to the register, which says so too (issue 23)', async () => {
    const page = await e2e.page({ locale: 'en-GB' });
    await signInAtPos(page, e2e, carla);
    await page.click('#refund');
    await answerSignIn(page, mia);
    await page.waitForSelector('.approval-decision');
    // the approval page left open past its interaction's lifetime
    e2e.clock.later(2 * 3600_000);
    try {
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForSelector('#approval-expired');
      assert.equal(await page.textContent('h1'), 'This approval request has expired');
      assert.match((await page.textContent('#approval-expired')) ?? '', /refund of €120\.00 on Till 2 for cashier carla name \(transaction T-\d+\) has expired\. Nothing was approved\./);
      await page.click('#back-to-register');
      await page.waitForSelector('#refund-declined');
      assert.match((await page.textContent('#refund-declined')) ?? '', /Refund of €120\.00 not booked: the approval request expired before anyone decided\./);
      await page.click('#back');
      assert.equal(await page.textContent('#user-name'), 'carla name', 'the register is still the cashier\'s');
    } finally {
      e2e.clock.later(-2 * 3600_000);
    }
    await page.context().close();
  });
});
