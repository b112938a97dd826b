// Issue 19 item 5: the admin's users list and the MFA coverage page say the same thing about every user, because both
// count from one function (src/services/policy/standing.ts): "Overdue" only after a roll-out deadline passed,
// "Required" only where the role or the store's policy requires it, and after an admin's reset both pages agree
// (S1, S11, B21). Each of these failed on the code before: the coverage page called a new admin "Overdue", the list
// called a manager "Required" whom nothing required, and after a reset the coverage page forgot the manager.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf } from '../helpers/agent.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { storeToday } from '../../src/services/rollout/deadline.js';

const PW = 'standing passphrase 2026';

describe('one MFA standing for the users list and MFA coverage (issue 19 item 5; S1, S11, B21)', () => {
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};
  let ownerApp: AuthenticatorApp;
  let admin: Agent;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('mill');
    ids.owner = await stack.createUser(storeId, 'olga', 'owner', PW, { name: 'Olga Owner' });
    ownerApp = await stack.enrol(ids.owner, 'mill', 'olga');
    admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=mill`);
    const code = await submit(admin, start, { username: 'olga', password: PW });
    assert.equal((await submit(admin, code, { code: await ownerApp.code() })).status, 200);
  });
  after(() => stack.close());

  const page = (path: string) => admin.follow(`${stack.issuer}${path}`);
  // the status a page shows for a user: its words, from the row that names the username
  const statusIn = (html: string, username: string) => {
    const row = new RegExp(`data-user="${username}"[\\s\\S]*?</tr>`).exec(html)?.[0];
    return row ? textOf(/<span class="badge[^"]*" data-mfa-status="[^"]*">([^<]*)</.exec(row)?.[1] ?? '').trim() : undefined;
  };
  const detailIn = (html: string, username: string) => {
    const row = new RegExp(`data-user="${username}"[\\s\\S]*?</tr>`).exec(html)?.[0];
    return row ? /data-mfa-detail>([^<]*)</.exec(row)?.[1]?.trim().replace(/ \d+ days? left\.$/, '') : undefined;
  };
  const count = (html: string, role: string, column: string) =>
    new RegExp(`data-role="${role}"[\\s\\S]*?data-count="${column}">(?:<span[^>]*>)?(\\d+)`).exec(html)?.[1];

  it('a new admin minutes after the store was made is "Required", never "Overdue", on both pages', async () => {
    ids.adam = await stack.createUser(storeId, 'adam', 'admin', PW, { name: 'Adam Admin' });
    const coverage = await page('/admin/mfa-coverage');
    assert.equal(count(coverage.body, 'admin', 'overdue'), '0', 'no deadline passed: nobody is overdue');
    assert.doesNotMatch(statusIn(coverage.body, 'adam') ?? '', /Overdue/);
    assert.equal(count(coverage.body, 'admin', 'required'), '1');
    const users = await page('/admin/users');
    assert.equal(statusIn(users.body, 'adam'), 'Required, not set up');
    assert.equal(statusIn(coverage.body, 'adam'), 'Required, not set up', 'the same words on the coverage page');
  });

  // a guard (this one held before too): the reset below is what made a manager "Required"
  it('a manager whom nothing requires MFA is not "Required" anywhere, and not listed as still to set up', async () => {
    ids.mia = await stack.createUser(storeId, 'mia', 'manager', PW, { name: 'Mia Manager' });
    assert.equal(statusIn((await page('/admin/users')).body, 'mia'), 'Not set up');
    const coverage = await page('/admin/mfa-coverage');
    assert.equal(statusIn(coverage.body, 'mia'), undefined, 'not among the users who still have to');
    const user = await page(`/admin/users/${ids.mia}`);
    assert.doesNotMatch(textOf(user.body), /Required/);
  });

  it('after an admin reset of that manager both pages say the same: set up again at the next sign-in', async () => {
    ids.max = await stack.createUser(storeId, 'max', 'manager', PW, { name: 'Max Manager' });
    await stack.enrol(ids.max, 'mill', 'max');
    const confirm = await page(`/admin/users/${ids.max}/mfa/reset`);
    const reset = await submit(admin, confirm, { confirm: 'yes', password: PW }, { match: '/mfa/reset' });
    assert.equal(reset.status, 200, textOf(reset.body).slice(0, 300));
    const words = 'Reset';
    const users = await page('/admin/users');
    assert.equal(statusIn(users.body, 'max'), words);
    assert.equal(detailIn(users.body, 'max'), 'Sets it up again at the next sign-in.');
    const coverage = await page('/admin/mfa-coverage');
    assert.equal(statusIn(coverage.body, 'max'), words, 'the coverage page lists the manager too');
    assert.equal(detailIn(coverage.body, 'max'), 'Sets it up again at the next sign-in.');
    assert.equal(count(coverage.body, 'manager', 'reset'), '1');
    assert.equal(count(coverage.body, 'manager', 'required'), '0', 'nothing but the reset asks it of them');
    assert.doesNotMatch(textOf(coverage.body), /Everyone who has to use multi-factor authentication has set it up/);
    const api = JSON.parse((await page(`/admin/api/users/${ids.max}`)).body) as { user: { mfa: { status: string; required: boolean; mustEnrol: boolean } } };
    assert.deepEqual([api.user.mfa.status, api.user.mfa.required, api.user.mfa.mustEnrol], ['reset', false, true]);
  });

  it('"Overdue" once a cashier\'s roll-out deadline has passed, "due by" before it: the same on both pages', async () => {
    ids.cas = await stack.createUser(storeId, 'cas', 'cashier', PW, { name: 'Cas Cashier' });
    const day = (n: number) => storeToday(new Date(Date.now() + n * 86_400_000), { country: 'NL' });
    await stack.db.models.StoreAccount.updateOne({ _id: new Types.ObjectId(storeId) }, { $set: { 'policy.cashierMfaBy': day(-1), 'policy.managerMfaBy': day(10), rollout: true } });
    // (a write in this process clears the store cache: the pages see the new policy at once)
    const users = await page('/admin/users');
    assert.equal(statusIn(users.body, 'cas'), 'Overdue');
    assert.match(detailIn(users.body, 'cas') ?? '', /^It was due by \d{1,2} \w+ \d{4}\.$/);
    const coverage = await page('/admin/mfa-coverage');
    assert.equal(statusIn(coverage.body, 'cas'), statusIn(users.body, 'cas'));
    assert.equal(count(coverage.body, 'cashier', 'overdue'), '1');
    assert.equal(statusIn(users.body, 'mia'), 'Not set up yet', 'a deadline ahead: due, not overdue');
    assert.match(detailIn(users.body, 'mia') ?? '', /^Due by \d{1,2} \w+ \d{4}\.$/);
    assert.equal(count(coverage.body, 'manager', 'overdue'), '0');
    // every user's standing agrees between the two pages
    for (const username of ['adam', 'max', 'cas', 'mia']) {
      assert.equal(statusIn(coverage.body, username), statusIn(users.body, username), username);
      assert.equal(detailIn(coverage.body, username), detailIn(users.body, username), username);
    }
  });
});
