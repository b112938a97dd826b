// In a real browser: Security & ID lists this user's sessions in words and ends another one, which the demo POS hears
// by back-channel logout (B15, B16); the language chosen there is the one the page then speaks (B22).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, type StoreUser, startE2e } from './harness/index.js';

const PASSWORD = 'cashier passphrase 15';

describe('sessions and language on Security & ID in a browser (B15, B16, B22)', () => {
  let e2e: E2e;
  let kim: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const kiosk = await e2e.store('kiosk', { country: 'GB' });
    kim = await kiosk.add('kim', 'cashier', { password: PASSWORD });
  });
  after(() => e2e?.close());

  it('ends the till\'s session from another browser; the till shows it was signed out; the chosen language sticks', async () => {
    // the till: signed in on the demo POS
    const till = await e2e.page({ locale: 'en-GB' });
    await till.goto(`${e2e.demoUrl}/login`);
    await answerSignIn(till, kim);
    await till.waitForURL(`${e2e.demoUrl}/`);
    assert.equal(await till.textContent('#user-name'), 'kim name');

    // the office: Security & ID in another browser
    const office = await e2e.page({ locale: 'en-GB' });
    await office.goto(`${e2e.issuer}/account/login`);
    await answerSignIn(office, kim);
    await office.waitForSelector('#sessions-heading');
    assert.equal(await office.locator('li.session').count(), 2);
    assert.match((await office.textContent('li.session[data-session="other"] .device-agent')) ?? '', /Chrome.* on Linux/);
    assert.match((await office.textContent('li.session[data-session="current"]')) ?? '', /This device/);

    const other = office.locator('li.session[data-session="other"]');
    await other.locator('summary').click();
    await other.locator('input[name="password"]').fill(PASSWORD);
    await other.locator('button[type="submit"]').click();
    await office.waitForSelector('[role="status"]');
    assert.equal(await office.locator('li.session').count(), 1);

    // the demo POS was told by back-channel logout: its next page says so
    await e2e.stack.logouts.drain();
    await till.reload();
    assert.match((await till.textContent('#signed-out')) ?? '', /You were signed out/);

    // Nederlands on Security & ID: the page speaks it from then on, in an English browser
    await office.selectOption('#language-choice', 'nl');
    await office.click('form[action="/account/language"] button[type="submit"]');
    await office.waitForSelector('text=Je taal is opgeslagen.');
    await office.goto(`${e2e.issuer}/account`);
    assert.equal(await office.textContent('#language-heading'), 'Taal');
  });
});
