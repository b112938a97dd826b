// PostgreSQL down under a running FerretDB (issue 20 items 2 and 3): whichever layer meets the failure, people get the
// translated 503 page and machines JSON 503, never a 500; a sign-in in progress is kept ("try again in a moment") and
// its retry lands on the same step; the outage is logged once, as a warning, without FerretDB's Go frames.
// PostgreSQL is really killed and held down; FerretDB keeps answering (with errors) meanwhile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Agent, textOf } from '../helpers/agent.js';
import { holdPostgresDown, startOwnServer } from '../helpers/database.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PASSWORD = 'outage passphrase 2026';

describe('PostgreSQL down under FerretDB (issue 20 items 2 and 3)', () => {
  let stack: Stack;
  let server: Awaited<ReturnType<typeof startOwnServer>>;
  const logs: Array<{ level: number; msg: string } & Record<string, unknown>> = [];

  before(async () => {
    // durable: a killed PostgreSQL with asynchronous commits would lose the last writes
    server = await startOwnServer('pg-outage', 'durable');
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    stack = await startStack({}, { database: server, logger, logouts: { pollMs: 20 } });
    const storeId = await stack.createStore('depot');
    await stack.createUser(storeId, 'dana', 'cashier', PASSWORD);
  });
  after(() => stack.close());

  it('503 everywhere, the sign-in kept and resumed at the same step, one warning in the log', async () => {
    const agent = new Agent({ 'accept-language': 'en' });
    const flow = await beginSignIn(stack, agent, { login_hint: 'depot:' });
    assert.match(flow.page.body, /name="password"/);
    // the first page comes with the authorization request's answer; the interaction's own address is its form's
    const uid = /action="\/interaction\/([^/"]+)\//.exec(flow.page.body)?.[1];
    assert.ok(uid);
    const interactionPage = `${stack.issuer}/interaction/${uid}`;
    const before = logs.length;

    const release = await holdPostgresDown(server);
    const answers: Array<{ what: string; status: number; type: string; body: string }> = [];
    try {
      const page = async (what: string, res: Promise<{ status: number; headers: Headers; body: string }>) => {
        const r = await res;
        answers.push({ what, status: r.status, type: r.headers.get('content-type') ?? '', body: r.body });
        return r;
      };
      // the sign-in in progress: its page reloaded, then its form submitted
      const reload = await page('reload', agent.request(interactionPage));
      const posted = await page('password submitted', submit(agent, flow.page, { username: 'dana', password: PASSWORD }));
      for (const r of [reload, posted]) {
        assert.match(textOf(r.body), /The sign-in service is briefly unavailable\. Your sign-in is kept: try again in a moment\./);
        assert.match(r.body, new RegExp(`href="/interaction/${uid}"[^>]*>Try again<`));
      }
      const dutch = await page('authorize', new Agent({ 'accept-language': 'nl' }).request(`${stack.issuer}/auth?client_id=demo-pos&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${stack.demoUrl}/callback`)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`));
      assert.match(textOf(dutch.body), /We kunnen onze database nu niet bereiken\. Probeer het zo meteen opnieuw\./);
      const basic = `Basic ${Buffer.from('demo-pos:demo-pos-secret-change-me-in-production').toString('base64')}`;
      const token = await fetch(`${stack.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }) });
      answers.push({ what: 'token', status: token.status, type: token.headers.get('content-type') ?? '', body: await token.text() });
      const me = await fetch(`${stack.issuer}/me`, { headers: { authorization: `Bearer ${'y'.repeat(43)}` } });
      answers.push({ what: 'userinfo', status: me.status, type: me.headers.get('content-type') ?? '', body: await me.text() });
      await stack.logouts.drain().catch(() => undefined);
    } finally {
      await release();
    }

    for (const a of answers) {
      assert.equal(a.status, 503, `${a.what}: ${a.status} ${textOf(a.body).slice(0, 200)}`);
      assert.doesNotMatch(a.body, /\.go:\d+|Mongo|SQLSTATE|stack/i, a.what);
    }
    for (const a of answers.filter((x) => ['token', 'userinfo'].includes(x.what))) {
      assert.match(a.type, /application\/json/, a.what);
      assert.equal((JSON.parse(a.body) as { error?: string }).error, 'temporarily_unavailable', a.what);
    }

    // PostgreSQL is back (its supervisor restarts it): "Try again" opens the same step, and the sign-in finishes
    const retry = `${stack.issuer}/interaction/${uid}`;
    let again = await agent.request(retry);
    for (let i = 0; i < 100 && again.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 200));
      again = await agent.request(retry);
    }
    assert.equal(again.status, 200, textOf(again.body).slice(0, 200));
    assert.match(again.body, /name="password"/, 'the step the outage interrupted');
    const done = await submit(agent, { body: again.body, url: retry }, { username: 'dana', password: PASSWORD }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    assert.deepEqual(tokens.claims()?.amr, ['pwd']);

    const during = logs.slice(before);
    const serious = during.filter((l) => l.level >= 50);
    assert.deepEqual(serious.map((l) => l.msg), [], 'no error lines');
    const warnings = during.filter((l) => l.level === 40);
    assert.equal(warnings.filter((l) => /database/.test(l.msg)).length, 1, JSON.stringify(warnings, null, 1));
    assert.doesNotMatch(JSON.stringify(warnings), /\.go:\d+/, 'no Go frames');
  });
});
