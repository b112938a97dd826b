// Recovery codes, counts and remembered devices as shipped (checklist 23, 41, 43, 46, 47, 48): over real HTTP and the
// real database, with the provider's clock injected (expiry is tested by moving it, never by waiting).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { enrolOnClock, testClock } from '../helpers/clocked-app.js';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';
import { loadDeploymentSecrets } from '../../src/provider/deployment-secrets.js';

const PW = 'recovery checklist passphrase';
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

describe('recovery codes, counts and remembered devices (checklist 23, 41, 43, 46, 47, 48)', () => {
  let stack: Stack;
  let storeId: string;
  const clock = testClock();
  const now = clock.now;
  let users = 0;

  before(async () => {
    stack = await startStack({ TRUST_PROXY: '1' }, { clock: now });
    storeId = await stack.createStore('depot');
  });
  after(() => stack.close());

  // a user with the app (codes from the provider's clock, each step once) and twelve recovery codes
  async function withMfa() {
    const username = `rc${++users}`;
    const id = await stack.createUser(storeId, username, 'cashier', PW);
    const app = await enrolOnClock(stack, clock, id, 'depot', username);
    return { username, id, code: app.code, recovery: app.recoveryCodes };
  }
  const throttleOf = async (id: string) => (await stack.db.models.User.findById(id).lean())?.throttle;

  async function codePage(username: string, agent = new Agent({ 'x-forwarded-for': '198.51.100.77' })) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'depot:' });
    const page = await submit(agent, flow.page, { username, password: PW }, { stopAt: flow.redirect });
    return { agent, flow, page };
  }
  async function recoveryPage(username: string) {
    const { agent, flow, page } = await codePage(username);
    const recovery = await agent.follow(new URL(decode(/href="([^"]*use-recovery)"/.exec(page.body)![1]!), page.url).href);
    assert.match(recovery.body, /name="code"/);
    return { agent, flow, recovery };
  }

  it('checklist 23: a completed sign-in clears the counts of what it used; a right password alone clears nothing', async () => {
    const { username, id, code } = await withMfa();
    const agent = new Agent({ 'x-forwarded-for': '198.51.100.23' });
    const flow = await beginSignIn(stack, agent, { login_hint: 'depot:' });
    let page = flow.page;
    for (let i = 0; i < 2; i++) page = await submit(agent, page, { username, password: `wrong ${i}` });
    page = await submit(agent, page, { username, password: PW });
    for (let i = 0; i < 2; i++) page = await submit(agent, page, { code: '000000' });
    const counted = await throttleOf(id);
    assert.equal(counted?.failures, 4, 'two passwords and two codes, one count');
    assert.equal(counted?.afterPassword?.failures, 2);
    // another sign-in that proves the password only: still counted
    await codePage(username);
    assert.equal((await throttleOf(id))?.failures, 4);
    clock.later(1_000);
    const done = await submit(agent, page, { code: code() }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect));
    await redeem(flow, done.url);
    const cleared = await throttleOf(id);
    assert.equal(cleared?.failures, 0);
    assert.equal(cleared?.afterPassword?.failures, 0);
  });

  it('checklist 43: wrong recovery codes count toward the account throttle like wrong app codes', async () => {
    const { username, id } = await withMfa();
    const { agent, recovery } = await recoveryPage(username);
    let page = recovery;
    for (let i = 0; i < 5; i++) {
      clock.later(1_000);
      page = await submit(agent, page, { code: `aaaa-bbbb-cccc${i}` });
    }
    const after5 = await throttleOf(id);
    assert.equal(after5?.failures, 5);
    assert.equal(after5?.afterPassword?.failures, 5);
    // right after the fifth failure: a back-off, for a recovery code as for any second factor
    const slowed = await submit(agent, page, { code: 'aaaa-bbbb-ccccc' });
    assert.match(textOf(slowed.body), /Wait \d+ seconds? and try again/);
  });

  it('checklist 41: recovery codes are stored only as HMAC-SHA-256 keyed by the pepper and bound to the user: no code in a dump, and the hashes are of no use without the pepper', async () => {
    const { id, recovery } = await withMfa();
    const stored = await stack.db.models.RecoveryCode.find({ userId: new Types.ObjectId(id) }).lean();
    assert.equal(stored.length, 12);
    const dump = JSON.stringify(await Promise.all((await stack.db.conn.db!.listCollections().toArray()).map((c) => stack.db.conn.db!.collection(c.name).find({}).toArray())));
    for (const code of recovery) {
      assert.ok(!dump.includes(code) && !dump.includes(code.replace(/-/g, '')) && !dump.includes(code.replace(/-/g, '').toUpperCase()), 'no plaintext code');
    }
    const { recoveryPepper } = await loadDeploymentSecrets(stack.config, stack.db.models);
    const hashes = new Set(stored.map((c) => c.hash));
    const withPepper = createRecoveryCodes({ pepper: recoveryPepper });
    assert.ok(recovery.every((code) => hashes.has(withPepper.hash(code, id))), 'HMAC(pepper, user, code)');
    const otherPepper = createRecoveryCodes({ pepper: Buffer.alloc(32, 7) });
    assert.ok(recovery.every((code) => !hashes.has(otherPepper.hash(code, id))), 'useless without the pepper');
    assert.ok(recovery.every((code) => !hashes.has(createHash('sha256').update(code).digest('hex'))), 'not a plain hash');
    assert.ok(recovery.every((code) => !hashes.has(withPepper.hash(code, new Types.ObjectId().toHexString()))), 'bound to the user');
  });

  it('checklist 46: a recovery code never signs in alone: not before the password, not with a wrong password', async () => {
    const { username, recovery } = await withMfa();
    // straight to the recovery step of a sign-in whose password was never given
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'depot:' });
    // the first page comes with /auth's answer (issue 22): the interaction is its form's
    const uid = /action="\/interaction\/([^/"]+)\//.exec(flow.page.body)?.[1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(flow.page.body)?.[1] ?? '';
    const early = await agent.follow(`${stack.issuer}/interaction/${uid}/recovery`, { form: { csrf, code: recovery[0]! }, stopAt: flow.redirect });
    assert.ok(!early.url.startsWith(flow.redirect), 'not signed in');
    assert.match(early.body, /name="password"/, 'the password is asked');
    // with a wrong password while passwords from new devices are held back: password and code both, or nothing
    const user = await stack.services.users.byUsername(storeId, username);
    await stack.db.models.User.updateOne({ _id: new Types.ObjectId(user!.id) }, { $set: { 'throttle.failures': 30, 'throttle.lastFailureAt': now() } });
    const second = new Agent({ 'x-forwarded-for': '198.51.100.46' });
    const flow2 = await beginSignIn(stack, second, { login_hint: 'depot:' });
    const both = await submit(second, flow2.page, { username, password: 'not the password' });
    assert.match(both.body, /name="code"/);
    const refused = await submit(second, both, { code: recovery[1]! }, { stopAt: flow2.redirect });
    assert.ok(!refused.url.startsWith(flow2.redirect), 'a right recovery code with a wrong password does not sign in');
    assert.equal(await stack.services.mfa.remainingCodes(user!.id), 12, 'and is not used up');
  });

  it('checklist 47, 48: the device token is 256 random bits, stored only as its hash, works only for its user and only until expiresAt, checked by the query itself', async () => {
    const a = await withMfa();
    const b = await withMfa();
    const agent = new Agent();
    const { flow, page } = await codePage(a.username, agent);
    const done = await submit(agent, page, { code: a.code(), remember: '1' }, { stopAt: flow.redirect });
    await redeem(flow, done.url);
    const token = agent.cookie('device') ?? '';
    assert.ok(Buffer.from(token, 'base64url').length >= 16, `at least 128 bits: ${Buffer.from(token, 'base64url').length * 8}`);
    const record = await stack.db.models.RememberedDevice.findOne({ userId: new Types.ObjectId(a.id) }).lean();
    assert.ok(record);
    assert.notEqual(record.hash, token);
    const dump = JSON.stringify(await stack.db.conn.db!.collection('remembered_devices').find({}).toArray());
    assert.ok(!dump.includes(token), 'the token itself is nowhere');
    // remembered for a on this browser: a's ordinary sign-in skips the code ...
    agent.forgetSession();
    assert.ok((await codePage(a.username, agent)).page.url.startsWith(flow.redirect.split('?')[0]!), 'a skips the code');
    // ... b on the same browser does not
    agent.forgetSession();
    assert.match((await codePage(b.username, agent)).page.body, /name="code"/, 'bound to its user');
    // two minutes before expiry, and after: the record is still there (no sweep, no TTL), yet it no longer counts
    await stack.db.models.RememberedDevice.updateOne({ _id: record._id }, { $set: { expiresAt: new Date(now().getTime() + 120_000) } });
    agent.forgetSession();
    assert.ok((await codePage(a.username, agent)).page.url.startsWith(flow.redirect.split('?')[0]!), 'still valid before expiresAt');
    clock.later(180_000);
    agent.forgetSession();
    assert.match((await codePage(a.username, agent)).page.body, /name="code"/, 'expired: the code is asked');
    assert.ok(await stack.db.models.RememberedDevice.exists({ _id: record._id }), 'the record still exists: expiry is in the query (checklist 48)');
  });
});
