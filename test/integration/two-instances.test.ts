// Two provider instances on one database behind a load balancer without affinity (issue 20 items 4 and 5; B9): no
// instance answers from a copy of a sign-in that the other has moved on, and a refresh token used on both at once is
// settled the same way every time (the whole grant revoked, the winner's new tokens too; RFC 9700 §4.14.2).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, submit } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';

const PASSWORD = 'two instances passphrase';

describe('two instances behind a round-robin load balancer (issue 20 items 4 and 5, B9)', () => {
  let pair: TwoInstances;
  let client: oidc.Configuration;
  // one cashier with an authenticator app per round, so no round waits for a fresh TOTP step
  const apps: AuthenticatorApp[] = [];

  before(async () => {
    pair = await startTwoInstances();
    const storeId = await pair.a.createStore('hops');
    for (let i = 0; i < 4; i++) apps.push(await pair.a.enrol(await pair.a.createUser(storeId, `hana${i}`, 'cashier', PASSWORD), 'hops', `hana${i}`));
    await pair.a.createUser(storeId, 'ravi', 'cashier', PASSWORD);
    client = await oidc.discovery(new URL(pair.issuer), 'demo-pos', 'demo-pos-secret-change-me-in-production', undefined, { execute: [oidc.allowInsecureRequests] });
  });
  after(() => pair.close());

  it('a reload on the instance that started the sign-in shows the step the other instance moved it to (item 4)', async () => {
    for (let round = 0; round < 4; round++) {
      const agent = new Agent();
      let hop = 0;
      pair.route = () => (hop++ % 2 === 0 ? 'a' : 'b');
      const servedBefore = pair.served.length;
      // strictly alternating: /auth (answered with the store page) on A, the store on B, the password on A ...
      const flow = await beginSignIn(pair.a, agent, {}, client);
      assert.match(flow.page.body, /name="store"/);
      const password = await submit(agent, flow.page, { store: 'hops' });
      assert.match(password.body, /name="password"/);
      const code = await submit(agent, password, { username: `hana${round}`, password: PASSWORD });
      assert.match(code.body, /name="code"/);
      // ... and the reload on the instance that made the sign-in, then on each instance in turn (of the interaction's
      // address: the first page comes with /auth's answer, issue 22)
      const interactionPage = new URL(/action="(\/interaction\/[^/"]+)\//.exec(flow.page.body)?.[1] ?? '/missing', pair.issuer).href;
      for (const to of ['a', 'b', 'a'] as const) {
        pair.route = () => to;
        const reload = await agent.request(interactionPage);
        assert.equal(reload.status, 200, `round ${round}, reload on ${to}: ${textOf(reload.body).slice(0, 200)}`);
        assert.match(reload.body, /name="code"/, `round ${round}, reload on ${to} shows the code step (hops ${pair.served.slice(servedBefore).join(' ')})`);
        assert.doesNotMatch(reload.body, /name="store"/);
      }
      // the store entered again on the instance that began it: the flow already knows the store and the user
      pair.route = () => 'a';
      const again = await submit(agent, flow.page, { store: 'hops' });
      assert.notEqual(again.status, 400, textOf(again.body).slice(0, 200));
      assert.match(again.body, /name="code"/);
      pair.route = () => (hop++ % 2 === 0 ? 'a' : 'b');
      const done = await submit(agent, again, { code: await (apps[round] as AuthenticatorApp).code() }, { stopAt: flow.redirect });
      const tokens = await redeem(flow, done.url);
      assert.deepEqual(tokens.claims()?.amr, ['pwd', 'otp', 'mfa']);
    }
  });

  it('one refresh token sent to both instances at once: at most one answer, and every token of the grant revoked, the winner\'s new ones too, every time (item 5; RFC 9700 §4.14.2, checklist 80, 86)', async () => {
    const basic = `Basic ${Buffer.from('demo-pos:demo-pos-secret-change-me-in-production').toString('base64')}`;
    const refresh = (to: 'a' | 'b', token: string) =>
      fetch(`${pair[to].issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }) });
    const userinfo = (token: string) => fetch(`${pair.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    pair.route = () => undefined;
    for (let race = 0; race < 20; race++) {
      const agent = new Agent();
      const flow = await beginSignIn(pair.a, agent, { login_hint: 'hops:' }, client);
      const done = await submit(agent, flow.page, { username: 'ravi', password: PASSWORD }, { stopAt: flow.redirect });
      const tokens = await redeem(flow, done.url);
      const answers = await Promise.all([refresh('a', tokens.refresh_token ?? ''), refresh('b', tokens.refresh_token ?? '')]);
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ access_token?: string; refresh_token?: string; error?: string }>;
      const won = bodies.filter((_, i) => answers[i]?.status === 200);
      assert.equal(won.length, 1, `race ${race}: exactly one answer with tokens`);
      assert.ok(bodies.some((b) => b.error === 'invalid_grant'), `race ${race}: the loser is told invalid_grant`);
      // whatever the order, nothing of the grant works any more
      for (const b of won) {
        assert.equal((await userinfo(b.access_token ?? '')).status, 401, `race ${race}: the winner's new access token`);
        const next = await refresh('a', b.refresh_token ?? '');
        assert.equal(next.status, 400, `race ${race}: the winner's new refresh token`);
      }
      assert.equal((await userinfo(tokens.access_token)).status, 401, `race ${race}: the first access token`);
    }
  });
});

