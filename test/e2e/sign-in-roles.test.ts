// Each role of a store signs in on the demo POS in a real browser with the second factor it has (S1, S7, S10, D3): the
// owner with an authenticator app, the admin with a recovery code (and then sets the app up again), the manager with a
// passkey (Chromium's virtual authenticator), the cashier with the password alone; the token says how (amr, acr).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ACR } from '../../src/provider/acr.js';
import { addPasskey, answerSignIn, type E2e, enrolInWizard, openPosSignIn, signInAtPos, signInToAccount, type StoreUser, startE2e, VirtualAuthenticator } from './harness/index.js';

describe('every role signs in on the demo POS with its own factor, in a browser (S1, S7, S10)', () => {
  let e2e: E2e;
  const people: Partial<Record<'owner' | 'admin' | 'manager' | 'cashier', StoreUser>> = {};

  before(async () => {
    e2e = await startE2e();
    const corner = await e2e.store('corner', { country: 'GB' });
    people.owner = await corner.add('olivia', 'owner', { password: 'owner passphrase 24', totp: true });
    people.admin = await corner.add('adam', 'admin', { password: 'admin passphrase 24', totp: true });
    people.manager = await corner.add('mia', 'manager', { password: 'manager passphrase 24', totp: true });
    people.cashier = await corner.add('casey', 'cashier', { password: 'cashier passphrase 24' });
  });
  after(() => e2e?.close());

  const claims = async (page: Page) => ({ name: await page.textContent('#user-name'), acr: await page.textContent('#acr'), amr: await page.textContent('#amr') });

  it('the owner: password and a code from the authenticator app', async () => {
    const page = await e2e.page();
    await signInAtPos(page, e2e, people.owner!);
    assert.deepEqual(await claims(page), { name: 'olivia name', acr: ACR.mfa, amr: '["pwd","otp","mfa"]' });
  });

  it('the admin: password and a recovery code, then the app set up again before the register (S10)', async () => {
    const admin = people.admin!;
    const page = await e2e.page({ size: 'phone' });
    await openPosSignIn(page, e2e);
    await answerSignIn(page, admin, 'recovery');
    assert.equal(admin.recoveryCodes?.length, 11);
    admin.app = await enrolInWizard(page, e2e.appFor);
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.deepEqual(await claims(page), { name: 'adam name', acr: ACR.mfa, amr: '["pwd","otp","mfa"]' });
    assert.ok(e2e.stack.notifications.some((n) => n.type === 'recovery_code_used' && n.userId === admin.id));
  });

  it('the manager: password and a passkey added on Security & ID; the token says phishing-resistant', async () => {
    const manager = people.manager!;
    const office = await e2e.context();
    const account = await office.newPage();
    const laptop = await VirtualAuthenticator.attach(office, account);
    await signInToAccount(account, e2e, manager);
    await addPasskey(account, e2e, manager, 'Office laptop');
    // the register: another browser, where the same passkey is at hand (as a synced passkey is)
    const till = await e2e.context();
    const page = await till.newPage();
    await VirtualAuthenticator.attach(till, page, await laptop.credentials());
    await signInAtPos(page, e2e, manager, 'passkey');
    assert.deepEqual(await claims(page), { name: 'mia name', acr: ACR.phr, amr: '["pwd","hwk","user","mfa"]' });
  });

  it('the cashier: the password alone (MFA is not required of cashiers here)', async () => {
    const page = await e2e.page({ size: 'phone' });
    await signInAtPos(page, e2e, people.cashier!);
    assert.deepEqual(await claims(page), { name: 'casey name', acr: ACR.pwd, amr: '["pwd"]' });
  });
});
