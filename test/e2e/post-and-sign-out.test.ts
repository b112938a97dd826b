// In a real browser (Debian chromium via playwright-core): a relying party on another site sends its authorization
// request as a form POST (OIDC Core §3.1.2.1, issue 21 item 2) and a signed-in user gets a code without the password,
// with the session cookie still SameSite=Lax; and the demo register signs out without a question and then asks who
// signs in (B26, item 6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import * as oidc from 'openid-client';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { clientsFileWith } from '../helpers/clients-file.js';
import { startDemoPos } from '../../src/demo/pos.js';

const PW = 'cashier passphrase 9';

describe('cross-site POST and sign-out in a browser (issue 21 items 2 and 6)', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;
  let rp: Server;
  let rpUrl: string;
  const callbacks: URL[] = [];
  let form = '';

  before(async () => {
    const [port, rpPort] = [await freePort(), await freePort()];
    demoUrl = `http://localhost:${port}`;
    // 127.0.0.1 is another site than localhost (the provider's host): its form POST is cross-site
    rpUrl = `http://127.0.0.1:${rpPort}`;
    rp = createServer((req, res) => {
      const url = new URL(req.url ?? '/', rpUrl);
      if (url.pathname === '/cb') callbacks.push(url);
      res.writeHead(200, { 'content-type': 'text/html' }).end(url.pathname === '/cb' ? '<p id="back">back at the app</p>' : form);
    });
    await new Promise<void>((r) => rp.listen(rpPort, '127.0.0.1', r));
    const clientsFile = await clientsFileWith([
      { client_id: 'rp-web', client_secret: 'rp-web-secret-0123456789', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [`${rpUrl}/cb`] },
    ]);
    stack = await startStack({ DEMO_URL: demoUrl, CLIENTS_FILE: clientsFile });
    const storeId = await stack.createStore('corner');
    await stack.createUser(storeId, 'casey', 'cashier', PW);
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await stack?.close();
    await new Promise((r) => rp?.close(r));
  });

  async function signInAtRegister(page: import('playwright-core').Page) {
    await page.goto(demoUrl);
    await page.click('a[href="/login"]');
    if (await page.locator('input[name="store"]').count()) {
      await page.fill('input[name="store"]', 'corner');
      await page.click('button[type="submit"]');
    }
    await page.fill('input[name="username"]', 'casey');
    await page.fill('input[name="password"]', PW);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${demoUrl}/`);
  }

  it('a form POST from another site to /auth gets a code without the password: the SameSite=Lax session comes along', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAtRegister(page);
    const session = (await context.cookies(stack.issuer)).find((c) => c.name === '_session');
    assert.equal(session?.sameSite, 'Lax');

    const params = {
      client_id: 'rp-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${rpUrl}/cb`,
      state: 'cross-site',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    };
    const inputs = Object.entries(params).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
    form = `<form method="post" action="${stack.issuer}/auth">${inputs}<button id="go">Sign in with POS</button></form>`;
    await page.goto(`${rpUrl}/`);
    await page.click('#go');
    await page.waitForURL(`${rpUrl}/cb?**`);
    const back = callbacks.at(-1)!;
    assert.equal(back.searchParams.get('state'), 'cross-site');
    assert.ok(back.searchParams.get('code'), 'a code, and no sign-in page on the way');
    await context.close();
  });

  it('the register signs out without a question, and the next "Sign in" asks who signs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAtRegister(page);
    const shown: string[] = [];
    page.on('load', () => void page.title().then((t) => shown.push(t), () => undefined));
    await page.click('#sign-out');
    await page.waitForURL(`${demoUrl}/`);
    assert.ok(!(await page.content()).includes('Do you want to sign out'));
    assert.ok(!shown.some((t) => t.startsWith('Sign out ·')), `pages on the way: ${shown.join(', ')}`);
    await page.click('a[href="/login"]');
    await page.waitForSelector('input[name="store"], input[name="username"]');
    assert.ok(page.url().startsWith(stack.issuer), 'the provider asks who signs in');
    await context.close();
  });
});
