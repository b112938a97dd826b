// In a real browser (Debian chromium via playwright-core): a relying party on another site sends its authorization
// request as a form POST (OIDC Core §3.1.2.1, issue 21 item 2) and a signed-in user gets a code without the password,
// with the session cookie still SameSite=Lax; and the demo register signs out without a question and then asks who
// signs in (B26, item 6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import { freePort } from '../helpers/free-port.js';
import { type E2e, signInAtPos, type StoreUser, startE2e } from './harness/index.js';

describe('cross-site POST and sign-out in a browser (issue 21 items 2 and 6)', () => {
  let e2e: E2e;
  let casey: StoreUser;
  let rp: Server;
  let rpUrl: string;
  const callbacks: URL[] = [];
  let form = '';

  before(async () => {
    const rpPort = await freePort();
    // 127.0.0.1 is another site than localhost (the provider's host): its form POST is cross-site
    rpUrl = `http://127.0.0.1:${rpPort}`;
    rp = createServer((req, res) => {
      const url = new URL(req.url ?? '/', rpUrl);
      if (url.pathname === '/cb') callbacks.push(url);
      res.writeHead(200, { 'content-type': 'text/html' }).end(url.pathname === '/cb' ? '<p id="back">back at the app</p>' : form);
    });
    await new Promise<void>((r) => rp.listen(rpPort, '127.0.0.1', r));
    e2e = await startE2e({
      clients: [{ client_id: 'rp-web', client_secret: 'rp-web-secret-0123456789', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [`${rpUrl}/cb`] }],
    });
    const corner = await e2e.store('corner');
    casey = await corner.add('casey', 'cashier', { password: 'cashier passphrase 9' });
  });
  after(async () => {
    await e2e?.close();
    await new Promise((r) => rp?.close(r));
  });

  it('a form POST from another site to /auth gets a code without the password: the SameSite=Lax session comes along', async () => {
    const context = await e2e.context();
    const page = await context.newPage();
    await signInAtPos(page, e2e, casey);
    const session = (await context.cookies(e2e.issuer)).find((c) => c.name === '_session');
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
    form = `<form method="post" action="${e2e.issuer}/auth">${inputs}<button id="go">Sign in with POS</button></form>`;
    await page.goto(`${rpUrl}/`);
    await page.click('#go');
    await page.waitForURL(`${rpUrl}/cb?**`);
    const back = callbacks.at(-1)!;
    assert.equal(back.searchParams.get('state'), 'cross-site');
    assert.ok(back.searchParams.get('code'), 'a code, and no sign-in page on the way');
    await context.close();
  });

  it('the register signs out without a question, and the next "Sign in" asks who signs in', async () => {
    const context = await e2e.context();
    const page = await context.newPage();
    await signInAtPos(page, e2e, casey);
    const shown: string[] = [];
    page.on('load', () => void page.title().then((t) => shown.push(t), () => undefined));
    await page.click('#sign-out');
    await page.waitForURL(`${e2e.demoUrl}/`);
    assert.ok(!(await page.content()).includes('Do you want to sign out'));
    assert.ok(!shown.some((t) => t.startsWith('Sign out ·')), `pages on the way: ${shown.join(', ')}`);
    await page.click('a[href="/login"]');
    await page.waitForSelector('input[name="store"], input[name="username"]');
    assert.ok(page.url().startsWith(e2e.issuer), 'the provider asks who signs in');
    await context.close();
  });
});
