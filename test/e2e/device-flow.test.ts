// In a real browser (Debian chromium via playwright-core): the demo POS's simulated kitchen screen signs in with the
// device authorization grant (B25, issue 21 item 7). The screen shows a code; a manager on "a phone" (another browser
// context, in Dutch) types it, approves the screen, signs in with password and code; the screen then says who signed
// it in and how, and names itself in its token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerSignIn, type E2e, type StoreUser, startE2e } from './harness/index.js';

describe('the demo kitchen screen signs in with the device flow, in a browser (B25)', () => {
  let e2e: E2e;
  let mia: StoreUser;

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner');
    mia = await corner.add('mia', 'manager', { password: 'manager passphrase 9', totp: true });
  });
  after(() => e2e?.close());

  it('the screen shows a code; a manager approves it from a phone in Dutch; the screen shows who and how', async () => {
    const screen = await e2e.page({ locale: 'en-GB' });
    await screen.goto(e2e.demoUrl);
    await screen.click('#kitchen');
    const code = ((await screen.textContent('#kitchen-code')) ?? '').trim();
    assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.match((await screen.textContent('#kitchen-status')) ?? '', /Waiting for a staff member/);
    assert.equal(await screen.locator('.kitchen-qr svg').count(), 1, 'a QR code with the code filled in');
    const link = await screen.getAttribute('#kitchen-link', 'href');
    assert.equal(link, `${e2e.issuer}/device?user_code=${code}`);

    // the manager's phone opens the sign-in page and types the code, lower case and without the dash
    const phone = await e2e.page({ locale: 'nl-NL' });
    await phone.goto(`${e2e.issuer}/device`);
    assert.equal(await phone.textContent('h1'), 'Een apparaat aanmelden');
    await phone.fill('input[name="user_code"]', code.replace('-', '').toLowerCase());
    await phone.click('button[type="submit"]');
    assert.equal(await phone.textContent('h1'), 'Kitchen screen 1 aanmelden?');
    assert.equal(await phone.textContent('#device-user-code'), code);
    await phone.click('button[name="confirm"]');
    await answerSignIn(phone, mia);
    assert.equal(await phone.textContent('#device-done'), 'Kitchen screen 1 is nu aangemeld als mia name.');

    // the screen's next look at the token endpoint (its page reloads itself)
    await screen.reload();
    assert.equal(await screen.textContent('#kitchen-user'), 'mia name');
    assert.match((await screen.textContent('#kitchen-how')) ?? '', /password \+ authenticator app/);
    assert.equal(await screen.textContent('#kitchen-acr'), 'urn:pos-idp:acr:mfa');
    assert.match((await screen.textContent('#kitchen-device')) ?? '', /"name":"Kitchen screen 1"/);

    // signing the screen out revokes its refresh token at the provider
    await screen.click('#kitchen-sign-out');
    assert.match((await screen.textContent('#kitchen-status')) ?? '', /This screen is signed out/);
    const events = await e2e.stack.db.models.AuditEvent.find({ type: 'device_flow.approved' }).lean();
    assert.equal(events.length, 1);
    assert.equal((events[0]!.details as { deviceName?: string }).deviceName, 'Kitchen screen 1');
  });

  it('a cancelled approval shows on the screen, which offers a new code', async () => {
    const screen = await e2e.page({ locale: 'en-GB' });
    await screen.goto(`${e2e.demoUrl}/kitchen`);
    const link = await screen.getAttribute('#kitchen-link', 'href');
    const phone = await e2e.page({ locale: 'en-GB' });
    await phone.goto(link!);
    await phone.click('button[name="abort"]');
    assert.match((await phone.textContent('[role="alert"]')) ?? '', /The device was not signed in/);
    await screen.reload();
    assert.match((await screen.textContent('#kitchen-status')) ?? '', /The sign-in was cancelled/);
    await screen.click('#kitchen-new');
    assert.match(((await screen.textContent('#kitchen-code')) ?? '').trim(), /^[A-Z]{4}-[A-Z]{4}$/);
  });
});
