// The authenticator app as shipped (checklist 32-37), over real HTTP and the real database, with the provider's clock
// injected: the provisioning URI on the enrolment page, the accepted window, server time only, secrets encrypted at
// rest, and nothing secret in the logs, the audit log or the outbox.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { createTotp } from '../../src/services/totp/index.js';
import { loadConfig } from '../../src/config.js';
import { loadDeploymentSecrets } from '../../src/provider/deployment-secrets.js';

const PW = 'totp checklist passphrase';
const PRODUCT = 'Corner & Co Sign-in';
const codesOf = (html: string) => [...html.matchAll(/<code data-copy-item>([^<]+)<\/code>/g)].map((m) => m[1]!);
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

describe('the authenticator app (checklist 32-37)', () => {
  let stack: Stack;
  let storeId: string;
  const logs: string[] = [];
  // the provider's clock: real time plus an offset the test moves (within the hour an interaction lives)
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const totp = createTotp({ clock: now, issuer: 'test' });

  before(async () => {
    stack = await startStack({ PRODUCT_NAME: PRODUCT, TRUST_PROXY: '1' }, { clock: now, logs });
    storeId = await stack.createStore('corner');
  });
  after(() => stack.close());

  // a user who must set the app up at sign-in: the pages up to the QR code
  async function enrolmentPage(username: string) {
    const id = await stack.createUser(storeId, username, 'cashier', PW, { mfa: { mustEnrol: true } });
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
    const proof = await submit(agent, flow.page, { username, password: PW });
    const begin = /name="pass"/.test(proof.body) ? await submit(agent, proof, { pass: await stack.accessPass(id) }) : proof;
    const scan = await submit(agent, begin, { stage: 'begin' });
    return { id, agent, flow, scan };
  }

  // enrols through the pages with the provider's clock; returns the secret and the recovery codes shown
  async function enrolled(username: string) {
    const { id, agent, flow, scan } = await enrolmentPage(username);
    const secret = AuthenticatorApp.fromEnrolmentPage(scan.body).secret;
    const codePage = await submit(agent, scan, { stage: 'scan' });
    midStep();
    const shown = await submit(agent, codePage, { stage: 'code', code: totp.currentCode(secret, now()) });
    const codes = codesOf(shown.body);
    assert.equal(codes.length, 12);
    await submit(agent, shown, { stage: 'codes', saved: '1' }, { stopAt: flow.redirect });
    return { id, secret, codes };
  }

  // the code page of a new sign-in
  async function codePage(username: string, headers: Record<string, string> = {}) {
    const agent = new Agent(headers);
    const flow = await beginSignIn(stack, agent, { login_hint: 'corner:' });
    const page = await submit(agent, flow.page, { username, password: PW });
    assert.match(page.body, /name="code"/);
    return { agent, flow, page };
  }
  // well inside a time step, so no step boundary passes between making a code and the server checking it
  const midStep = () => {
    const into = now().getTime() % 30_000;
    if (into > 20_000) offset += 30_000 - into + 1_000;
  };
  // the code is made just before it is sent, from the provider's clock at that moment
  const accepted = async (username: string, code: () => string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const { agent, flow, page } = await codePage(username, headers);
    midStep();
    const res: Response = await submit(agent, page, { code: code(), ...extra }, { stopAt: flow.redirect });
    return res.url.startsWith(flow.redirect);
  };
  const stepsAway = (secret: string, steps: number) => () => totp.currentCode(secret, new Date(now().getTime() + steps * 30_000));

  it('checklist 36, 37: the enrolment page offers otpauth://totp/ISSUER:ACCOUNT, the label percent-encoded, the issuer parameter equal to its prefix, a Base32 secret without padding, SHA1 / 6 digits / 30 s', async () => {
    const { scan } = await enrolmentPage('anna.o+1');
    const href = decode(/href="(otpauth:[^"]+)"/.exec(scan.body)?.[1] ?? '');
    const uri = new URL(href);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    const label = uri.pathname.replace(/^\//, '');
    assert.doesNotMatch(label, /[ &+]/, `percent-encoded: ${label}`);
    const [issuer, account] = label.split(':').map(decodeURIComponent) as [string, string];
    assert.equal(issuer, PRODUCT);
    assert.equal(decodeURIComponent(label.slice(label.indexOf(':') + 1)), 'corner:anna.o+1');
    assert.ok(account);
    const params = uri.searchParams;
    assert.equal(params.get('issuer'), PRODUCT, 'the issuer parameter equals the label prefix');
    assert.match(params.get('secret') ?? '', /^[A-Z2-7]{32}$/, '160 bits, Base32, no "=" padding');
    assert.ok([null, 'SHA1'].includes(params.get('algorithm')));
    assert.ok([null, '6'].includes(params.get('digits')));
    assert.ok([null, '30'].includes(params.get('period')));
    // the text code shown for typing is the same secret
    assert.equal(AuthenticatorApp.fromEnrolmentPage(scan.body).secret, params.get('secret'));
  });

  it('checklist 32: a code of the previous or the next 30-second step works, one two steps away does not', async () => {
    const early = await enrolled('skew-a');
    assert.equal(await accepted('skew-a', stepsAway(early.secret, -2)), false, 'two steps old');
    assert.equal(await accepted('skew-a', stepsAway(early.secret, 2)), false, 'two steps ahead');
    offset += 60_000;
    assert.equal(await accepted('skew-a', stepsAway(early.secret, -1)), true, 'one step old (a phone a little behind)');
    const late = await enrolled('skew-b');
    assert.equal(await accepted('skew-b', stepsAway(late.secret, 1)), true, 'one step ahead (a phone a little ahead)');
  });

  it("checklist 33: only the server's clock counts: a client's Date header or a time field changes nothing", async () => {
    const { secret } = await enrolled('clockwise');
    offset += 60_000;
    const anHourAhead = new Date(now().getTime() + 3_600_000);
    const clientTime = { date: anHourAhead.toUTCString() };
    const theirCode = () => totp.currentCode(secret, anHourAhead);
    assert.equal(await accepted('clockwise', theirCode, { time: String(Math.floor(anHourAhead.getTime() / 1000)), t: anHourAhead.toISOString() }, clientTime), false);
    assert.equal(await accepted('clockwise', stepsAway(secret, 0), {}, clientTime), true, "the server's code, whatever the client says");
  });

  it('checklist 34: the seed is stored encrypted with a key id: a dump of every collection has neither the secret nor its bytes; in production the keys come only from the environment', async () => {
    const { id, secret } = await enrolled('sealed');
    const raw = Buffer.from(
      [...secret].reduce((bits, c) => bits + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0'), '').match(/.{8}/g)!.map((b) => Number.parseInt(b, 2)),
    );
    const forms = [secret, secret.toLowerCase(), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')];
    const dump: string[] = [];
    for (const name of await stack.db.conn.db!.listCollections().toArray()) {
      const docs = await stack.db.conn.db!.collection(name.name).find({}).toArray();
      dump.push(JSON.stringify(docs));
    }
    const everything = dump.join('\n');
    for (const form of forms) assert.ok(!everything.includes(form), `the dump holds the secret as ${form.slice(0, 6)}...`);
    const user = (await stack.db.models.User.findById(id).lean()) as { credentials?: Record<string, { type: string; data: unknown }> } | null;
    const credential = Object.values(user?.credentials ?? {}).find((c) => c.type === 'totp');
    // AES-256-GCM under the named key k1: version, key id, nonce, tag, ciphertext (src/services/secrets)
    assert.match(String((credential?.data as { secretSealed?: string } | undefined)?.secretSealed), /^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    await assert.rejects(
      loadDeploymentSecrets(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1', MONGODB_URI: 'mongodb://127.0.0.1:1/x' }), stack.db.models),
      /totpKeys/,
    );
  });

  it('checklist 35: seeds, codes and recovery codes never reach the logs (at trace level), the audit log or the outbox', async () => {
    logs.length = 0;
    const { secret, codes } = await enrolled('quiet');
    offset += 60_000;
    const used: string[] = [];
    const remembered = (make: () => string) => () => {
      const code = make();
      used.push(code);
      return code;
    };
    await accepted('quiet', () => '000000');
    await accepted('quiet', () => '123456');
    assert.equal(await accepted('quiet', remembered(stepsAway(secret, 0))), true);
    // a recovery code, right and wrong
    const { agent, page } = await codePage('quiet');
    const recovery = await agent.follow(new URL(decode(/href="([^"]*use-recovery)"/.exec(page.body)![1]!), page.url).href);
    await submit(agent, recovery, { code: 'aaaa-bbbb-ccccc' });
    await submit(agent, recovery, { code: codes[0]! });
    // requests the provider refuses and logs (a sign-in that does not exist), carrying a code and a recovery code
    for (const code of [stepsAway(secret, 0)(), codes[1]!]) {
      const res = await fetch(`${stack.issuer}/interaction/no-such-sign-in/totp-verify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code }) });
      assert.equal(res.status, 400);
      used.push(code);
    }
    await stack.settled();
    assert.ok(logs.some((l) => /client error/.test(l)), `the provider logged: ${logs.length} lines`);
    const audit = JSON.stringify(await stack.db.models.AuditEvent.find({}).lean());
    const outbox = JSON.stringify(await stack.db.models.OutboxMessage.find({}).lean());
    const notices = JSON.stringify(stack.notifications);
    for (const [what, text] of [['logs', logs.join('\n')], ['audit log', audit], ['outbox', outbox], ['notifications', notices]] as const) {
      for (const secretThing of [secret, ...used, codes[0]!, codes[0]!.replace(/-/g, ''), codes[1]!]) {
        assert.ok(!text.includes(secretThing), `${what} hold ${secretThing.slice(0, 4)}...`);
      }
    }
    assert.doesNotMatch(textOf(logs.join('\n')), /"code":"\d{6}"|"secret"/);
  });
});
