// What a register's browser meets when it signs in (B19, issue 23): a trusted register knows its store, so the sign-in
// starts at the password; "Quick switch" in a browser that is no trusted register (never trusted, or revoked) says why
// and how an owner or admin trusts it, instead of falling back to the full sign-in without a word.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf } from '../helpers/agent.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { ACR } from '../../src/provider/acr.js';

const PW = { adam: 'admin passphrase 2026', cara: 'cashier passphrase 2026' };
const SWITCH = { prompt: 'login', acr_values: ACR.switch };

describe('a register signs in (B19, issue 23)', () => {
  let stack: Stack;
  let storeId: string;
  let adam: AuthenticatorApp;
  // the register's browser: trusted by the admin from the register itself
  const till = new Agent();
  let registerId: string;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('corner', { name: 'Corner Coffee' });
    await stack.createStore('deli', { name: 'Deli' });
    const adamId = await stack.createUser(storeId, 'adam', 'admin', PW.adam);
    await stack.createUser(storeId, 'cara', 'cashier', PW.cara);
    adam = await stack.enrol(adamId, 'corner', 'adam');
    const start = await till.follow(`${stack.issuer}/admin?store=corner`);
    const code = await submit(till, start, { username: 'adam', password: PW.adam });
    await submit(till, code, { code: await adam.code() });
    const list = await till.follow(`${stack.issuer}/admin/registers`);
    await submit(till, list, { name: 'Till 2' }, { match: 'action="/admin/registers"' });
    registerId = String((await stack.db.models.Register.findOne({ name: 'Till 2' }).lean())?._id);
    // the admin's provider session ends (as a sign-out would); the register cookie stays
    till.forgetSession();
  });
  after(async () => {
    await stack?.close();
  });

  it('a trusted register knows its store: its sign-in starts at the password, and "Not your store?" still asks', async () => {
    const flow = await beginSignIn(stack, till);
    assert.doesNotMatch(flow.page.body, /name="store"/);
    assert.match(flow.page.body, /name="password"/);
    assert.match(textOf(flow.page.body), /Corner Coffee/);
    const done = await submit(till, flow.page, { username: 'cara', password: PW.cara }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect), 'cara (no MFA required) is signed in');
    till.forgetSession();

    // another store on purpose: the store page, which stays until a store is named
    const again = await beginSignIn(stack, till);
    const storePage = await till.follow(new URL(/href="([^"]*change-store[^"]*)"/.exec(again.page.body)![1]!.replace(/&amp;/g, '&'), again.page.url).href);
    assert.match(storePage.body, /name="store"/);
    assert.match((await till.follow(storePage.url)).body, /name="store"/, 'reloading keeps the store question');
    const deli = await submit(till, storePage, { store: 'deli' });
    assert.match(textOf(deli.body), /Deli/);
    assert.match(deli.body, /name="password"/);
  });

  it('a browser that is no register still asks for the store', async () => {
    const flow = await beginSignIn(stack, new Agent());
    assert.match(flow.page.body, /name="store"/);
  });

  it('"Quick switch" in a browser that is no trusted register says why and how an admin trusts it, then the full sign-in', async () => {
    const plain = new Agent();
    const flow = await beginSignIn(stack, plain, SWITCH);
    const text = textOf(flow.page.body).replace(/&quot;/g, '"');
    assert.match(text, /Quick switch is not available here/);
    assert.match(text, /This browser is not a trusted register of your store/);
    assert.match(text, /open the admin console and sign in with password and code/);
    assert.match(text, /Go to Registers\./);
    assert.match(text, /press "Trust this register"/);
    assert.doesNotMatch(flow.page.body, /name="password"|name="store"/);
    const full = await submit(plain, flow.page, {});
    assert.match(full.body, /name="store"/, 'then the full sign-in, from the store');

    // in Dutch, and with the store hinted the full sign-in starts at the password
    const nl = new Agent();
    const dutch = await beginSignIn(stack, nl, { ...SWITCH, ui_locales: 'nl', login_hint: 'corner:' });
    assert.match(textOf(dutch.page.body), /Snel wisselen kan hier niet/);
    assert.match(textOf(dutch.page.body), /Deze browser is geen vertrouwde kassa van je winkel/);
    assert.match(textOf(dutch.page.body), /Ga naar Kassa's\./);
    assert.match((await submit(nl, dutch.page, {})).body, /name="password"/);
  });

  it('on a register an admin revoked, "Quick switch" says it was revoked, and the register no longer knows its store', async () => {
    const admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=corner`);
    const code = await submit(admin, start, { username: 'adam', password: PW.adam });
    await submit(admin, code, { code: await adam.code() });
    const list = await admin.follow(`${stack.issuer}/admin/registers`);
    await submit(admin, list, {}, { match: `/admin/registers/${registerId}/revoke` });

    const flow = await beginSignIn(stack, till, SWITCH);
    assert.match(textOf(flow.page.body), /This register is no longer trusted: an owner or administrator revoked it/);
    assert.match((await submit(till, flow.page, {})).body, /name="store"/);
  });
});
