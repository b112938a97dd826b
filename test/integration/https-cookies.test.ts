// Cookies under an https issuer (checklist 47, 49; B18): the provider as deployed behind a TLS-terminating proxy
// (ISSUER=https://..., TRUST_PROXY=1, X-Forwarded-Proto: https). The remembered-device cookie, and every other cookie of
// ours, is __Host- (Secure, Path=/, no Domain), HttpOnly, SameSite, with an opaque value that names nobody.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, type Response } from '../helpers/agent.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';
import { enrolOnClock, testClock, type ClockedApp } from '../helpers/clocked-app.js';

const PUBLIC = 'https://idp.example';
const PW = 'https cookie passphrase';

// A browser that reaches the provider through its proxy: public https URLs go to the listening port, with the
// headers a proxy adds; every Set-Cookie line is kept as sent.
class ProxiedBrowser extends Agent {
  readonly setCookies: string[] = [];
  constructor(private readonly listening: string) {
    super({ 'x-forwarded-proto': 'https', 'x-forwarded-host': new URL(PUBLIC).host, 'x-forwarded-for': '198.51.100.49' });
  }
  override async request(url: string, init: Parameters<Agent['request']>[1] = {}): Promise<Response> {
    const res = await super.request(url.startsWith(PUBLIC) ? this.listening + url.slice(PUBLIC.length) : url, init);
    this.setCookies.push(...res.headers.getSetCookie());
    return { ...res, url };
  }
}

const attributes = (line: string) => {
  const [pair, ...attrs] = line.split(';').map((p) => p.trim());
  const i = pair!.indexOf('=');
  return { name: pair!.slice(0, i), value: pair!.slice(i + 1), attrs: attrs.map((a) => a.toLowerCase()) };
};

describe('cookies under an https issuer (checklist 49)', () => {
  let stack: Stack;
  let app: ClockedApp;
  let userId: string;
  const clock = testClock();
  const demoUrl = 'http://localhost:1/demo';

  before(async () => {
    stack = await startStack({ ISSUER: PUBLIC, TRUST_PROXY: '1' }, { clock: clock.now });
    const storeId = await stack.createStore('harbour');
    userId = await stack.createUser(storeId, 'marit', 'manager', PW, { email: 'marit@example.test' });
    app = await enrolOnClock(stack, clock, userId, 'harbour', 'marit');
  });
  after(() => stack.close());

  it('checklist 47, 49: the remembered device, the known device and the way back are __Host- cookies: Secure, HttpOnly, Path=/, SameSite, no Domain, and opaque', async () => {
    const browser = new ProxiedBrowser(stack.issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const auth = new URL(`${PUBLIC}/auth`);
    for (const [k, v] of Object.entries({
      client_id: 'demo-pos',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${demoUrl}/callback`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'cookie-test',
      login_hint: 'harbour:',
    })) auth.searchParams.set(k, v);
    const password = await browser.follow(auth.href, { stopAt: demoUrl });
    assert.match(password.body, /name="password"/, password.body.slice(0, 300));
    const code = await submit(browser, password, { username: 'marit', password: PW }, { stopAt: demoUrl });
    const done = await submit(browser, code, { code: app.code(), remember: '1' }, { stopAt: demoUrl });
    assert.ok(done.url.startsWith(`${demoUrl}/callback`), done.url);
    await browser.follow(`${PUBLIC}/account?client_id=demo-pos&return_to=${encodeURIComponent(`${demoUrl}/`)}`);

    const cookies = browser.setCookies.map(attributes).filter((c) => c.value !== '');
    const names = new Set(cookies.map((c) => c.name));
    for (const ours of ['__Host-device', '__Host-known', '__Host-back-to']) assert.ok(names.has(ours), `${ours} among ${[...names].join(', ')}`);
    assert.ok(![...names].some((n) => ['device', 'known', 'back-to'].includes(n)), 'no cookie of ours without the prefix');
    for (const c of cookies) {
      assert.ok(c.attrs.includes('secure'), `${c.name} is Secure`);
      assert.ok(c.attrs.includes('httponly'), `${c.name} is HttpOnly`);
      assert.ok(c.attrs.some((a) => /^samesite=(lax|strict)$/.test(a)), `${c.name} is SameSite: ${c.attrs.join('; ')}`);
      assert.ok(!c.attrs.some((a) => a.startsWith('domain=')), `${c.name} has no Domain`);
      // opaque: nobody's name, address, id or store in it, also not once decoded
      const seen = `${c.value} ${Buffer.from(c.value.split('.')[0] ?? '', 'base64url').toString('latin1')}`;
      for (const pii of ['marit', 'example.test', userId, 'harbour']) assert.ok(!seen.includes(pii), `${c.name} names ${pii}`);
      if (c.name.startsWith('__Host-')) assert.ok(c.attrs.includes('path=/'), `${c.name} has Path=/`);
    }
    const device = cookies.find((c) => c.name === '__Host-device')!;
    assert.ok(Buffer.from(device.value, 'base64url').length >= 16, 'at least 128 random bits');
  });
});
