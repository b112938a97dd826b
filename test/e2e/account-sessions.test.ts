// In a real browser: Security & ID lists this user's sessions in words and ends another one, which the demo POS hears
// by back-channel logout (B15, B16); the language chosen there is the one the page then speaks (B22).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';

const PASSWORD = 'cashier passphrase 15';

describe('sessions and language on Security & ID in a browser (B15, B16, B22)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    const storeId = await stack.createStore('kiosk', { country: 'GB' });
    await stack.createUser(storeId, 'kim', 'cashier', PASSWORD);
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
  });

  it('ends the till\'s session from another browser; the till shows it was signed out; the chosen language sticks', async () => {
    // the till: signed in on the demo POS
    const till = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await till.goto(`${demoUrl}/login`);
    await till.fill('input[name="store"]', 'kiosk');
    await till.click('button[type="submit"]');
    await till.fill('input[name="username"]', 'kim');
    await till.fill('input[name="password"]', PASSWORD);
    await till.click('button[type="submit"]');
    await till.waitForURL(`${demoUrl}/`);
    assert.equal(await till.textContent('#user-name'), 'kim name');

    // the office: Security & ID in another browser
    const office = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await office.goto(`${stack.issuer}/account/login`);
    await office.fill('input[name="store"]', 'kiosk');
    await office.click('button[type="submit"]');
    await office.fill('input[name="username"]', 'kim');
    await office.fill('input[name="password"]', PASSWORD);
    await office.click('button[type="submit"]');
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
    await stack.logouts.drain();
    await till.reload();
    assert.match((await till.textContent('#signed-out')) ?? '', /You were signed out/);

    // Nederlands on Security & ID: the page speaks it from then on, in an English browser
    await office.selectOption('#language-choice', 'nl');
    await office.click('form[action="/account/language"] button[type="submit"]');
    await office.waitForSelector('text=Je taal is opgeslagen.');
    await office.goto(`${stack.issuer}/account`);
    assert.equal(await office.textContent('#language-heading'), 'Taal');
  });
});
