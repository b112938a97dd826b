// Issue 19 item 2 (B17 made practical for a roll-out): from MFA coverage an admin makes temporary access passes for
// everyone listed as still to set up MFA and prints them as slips (name, username, store URL, pass, expiry), shown once,
// each pass audited and its user emailed; the passes work once; a resent form shows nothing again. The route did not
// exist on the branch as found (a store with 20 cashiers needed 20 trips to 20 user pages).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, formOf, textOf, type Response } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { storeToday } from '../../src/services/rollout/deadline.js';

const PW = 'pass slips passphrase 19';

describe('temporary access passes for everyone still to set up MFA, printed as slips (issue 19 item 2; B17, B21)', () => {
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};
  let adminApp: AuthenticatorApp;
  let admin: Agent;
  let coverage: Response;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('deli', { 'policy.cashierMfaBy': storeToday(new Date(Date.now() + 12 * 86_400_000), { country: 'NL' }), rollout: true });
    // the owner has no factor yet: listed, but an admin cannot make the owner a pass (S11: that is support's)
    ids.olga = await stack.createUser(storeId, 'olga', 'owner', PW, { name: 'Olga Owner' });
    ids.adam = await stack.createUser(storeId, 'adam', 'admin', PW, { name: 'Adam Admin' });
    ids.cas = await stack.createUser(storeId, 'cas', 'cashier', PW, { name: 'Cas Cashier', locale: 'en' });
    ids.cid = await stack.createUser(storeId, 'cid', 'cashier', PW, { name: 'Cid Kassa', email: null, locale: 'nl' });
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', PW, { name: 'Mia Manager' });
    adminApp = await stack.enrol(ids.adam, 'deli', 'adam');
    admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=deli`);
    const code = await submit(admin, start, { username: 'adam', password: PW });
    assert.equal((await submit(admin, code, { code: await adminApp.code() })).status, 200);
  });
  after(() => stack.close());

  const passCount = () => stack.db.models.AccessPass.countDocuments({ storeId: new Types.ObjectId(storeId) });
  const slipOf = (html: string, username: string) => new RegExp(`<li class="slip" lang="(\\w+)" data-slip="${username}">[\\s\\S]*?</li>`).exec(html);

  it('the coverage page offers passes for the cashiers listed, not for the owner (support\'s) nor the manager (optional)', async () => {
    coverage = await admin.follow(`${stack.issuer}/admin/mfa-coverage`);
    assert.equal(coverage.status, 200);
    assert.match(textOf(coverage.body), /Make 2 passes and print the slips/);
    assert.ok(formOf(coverage.body, 'action="/admin/mfa-coverage/passes"').fields.batch);
  });

  it('asks for the admin\'s password: a wrong one makes no pass', async () => {
    const before = await passCount();
    const wrong = await submit(admin, coverage, { password: 'not my password' }, { match: 'action="/admin/mfa-coverage/passes"' });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /password/i);
    assert.equal(await passCount(), before);
  });

  let slips: Response;
  it('shows one slip per person, in the reader\'s language: name, username, store URL, the pass and until when; each pass audited and emailed', async () => {
    const before = await passCount();
    slips = await submit(admin, coverage, { password: PW }, { match: 'action="/admin/mfa-coverage/passes"' });
    assert.equal(slips.status, 200);
    assert.equal(await passCount(), before + 2);
    const cas = slipOf(slips.body, 'cas');
    assert.ok(cas, 'a slip for Cas');
    assert.equal(cas[1], 'en');
    assert.match(textOf(cas[0]), /Name Cas Cashier Username cas Store URL deli Temporary access pass [A-Z2-9]{4}(-[A-Z2-9]{4}){3} Valid until \d{1,2} \w+(?: \d{4})?, \d{2}:\d{2} \(store time\)/);
    const cid = slipOf(slips.body, 'cid');
    assert.equal(cid?.[1], 'nl', 'Cid reads Dutch');
    assert.match(textOf(cid?.[0] ?? ''), /Geldig tot/);
    assert.equal(slipOf(slips.body, 'olga'), null);
    assert.equal(slipOf(slips.body, 'mia'), null);
    assert.match(slips.body, /data-print/, 'a print button (on paper the stylesheet prints the slips only)');
    for (const id of [ids.cas, ids.cid]) {
      assert.ok(await stack.db.models.AuditEvent.exists({ type: 'access_pass.created', userId: new Types.ObjectId(id), actorId: new Types.ObjectId(ids.adam), 'details.reason': 'rollout' }));
      assert.ok(stack.notifications.some((n) => n.type === 'access_pass_created' && n.userId === id));
    }
    // the audit log says why in words
    const log = await admin.follow(`${stack.issuer}/admin/audit`);
    assert.match(textOf(log.body), /printed for the MFA roll-out/);
  });

  it('the same form sent again shows nothing and makes nothing; there is no page to come back to', async () => {
    const before = await passCount();
    const again = await submit(admin, coverage, { password: PW }, { match: 'action="/admin/mfa-coverage/passes"' });
    assert.equal(again.status, 409);
    assert.match(textOf(again.body), /already made and shown once; they are never shown again/);
    assert.doesNotMatch(again.body, /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    assert.equal(await passCount(), before);
    assert.equal((await admin.follow(`${stack.issuer}/admin/mfa-coverage/passes`)).status, 404);
    // a pass is never listed with its value
    const user = await admin.follow(`${stack.issuer}/admin/users/${ids.cas}`);
    assert.match(textOf(user.body), /Printed for the MFA roll-out/);
    assert.doesNotMatch(user.body, /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
  });

  it('a printed pass works once: Cas sets up MFA with it, and it opens nothing a second time', async () => {
    const pass = /<code class="slip-pass">([^<]+)</.exec(slipOf(slips.body, 'cas')![0])![1]!;
    const signIn = async () => {
      const agent = new Agent();
      const flow = await beginSignIn(stack, agent, { login_hint: 'deli:' });
      const prompt = await submit(agent, flow.page, { username: 'cas', password: PW }, { stopAt: flow.redirect });
      return { agent, proof: await submit(agent, prompt, { choice: 'now' }) };
    };
    const first = await signIn();
    assert.match(first.proof.body, /name="pass"/);
    const begin = await submit(first.agent, first.proof, { pass });
    assert.match(begin.body, /name="stage" value="begin"/, 'the wizard begins');
    const second = await signIn();
    const refused = await submit(second.agent, second.proof, { pass });
    assert.match(textOf(refused.body), /not valid, has expired or was already used/);
  });
});
