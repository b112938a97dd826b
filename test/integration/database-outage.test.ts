// While the database is unreachable (issue 9 item 6): a translated 503 page for people, JSON 503 for machines, and the
// sign-in goes on once it is back. The embedded server is really stopped and started again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf } from '../helpers/agent.js';
import { startOwnServer } from '../helpers/database.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PASSWORD = 'outage passphrase 2026';

describe('database outage (issue 9 item 6)', () => {
  let stack: Stack;
  let server: Awaited<ReturnType<typeof startOwnServer>>;

  before(async () => {
    server = await startOwnServer('outage');
    stack = await startStack({}, { database: server });
    const storeId = await stack.createStore('kiosk');
    await stack.createUser(storeId, 'kim', 'cashier', PASSWORD);
  });
  after(() => stack.close());

  it('people get a translated "temporarily unavailable" page (503), machines JSON 503, and the sign-in resumes after', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'kiosk:', ui_locales: 'nl' });
    assert.match(flow.page.body, /name="password"/);

    await server.halt();
    try {
      const page = await submit(agent, flow.page, { username: 'kim', password: PASSWORD });
      assert.equal(page.status, 503);
      assert.equal(page.headers.get('retry-after'), '5');
      // a sign-in in progress is kept (issue 20 item 3)
      assert.match(textOf(page.body), /De inlogdienst is even niet beschikbaar\. Je inlogpoging blijft bewaard: probeer het zo meteen opnieuw\./);
      assert.doesNotMatch(page.body, /Mongo|ECONNREFUSED|stack/i);
      assert.equal(page.headers.get('x-frame-options'), 'DENY', 'hardened like every page');

      const english = await new Agent().request(`${stack.issuer}/auth?client_id=demo-pos&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${stack.demoUrl}/callback`)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&login_hint=kiosk:`, { headers: { 'accept-language': 'en' } });
      assert.equal(english.status, 503);
      assert.match(textOf(english.body), /We can't reach our database right now\. Please try again in a moment\./);

      const token = await fetch(`${stack.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml', authorization: `Basic ${Buffer.from('demo-pos:demo-pos-secret-change-me-in-production').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }),
      });
      assert.equal(token.status, 503);
      assert.match(token.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(((await token.json()) as { error?: string }).error, 'temporarily_unavailable');
    } finally {
      await server.restart();
    }

    // the same page, submitted again once the database is back, signs in
    let done = await submit(agent, flow.page, { username: 'kim', password: PASSWORD }, { stopAt: flow.redirect });
    for (let i = 0; i < 50 && done.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 200));
      done = await submit(agent, flow.page, { username: 'kim', password: PASSWORD }, { stopAt: flow.redirect });
    }
    assert.ok(done.url.startsWith(flow.redirect), `signed in after the outage, got ${done.status} ${textOf(done.body).slice(0, 200)}`);
    const tokens = await redeem(flow, done.url);
    assert.deepEqual(tokens.claims()?.amr, ['pwd']);
  });
});
