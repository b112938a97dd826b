// Issue 19 item 7: the enrolment after a reset says who reset it and when, in the store's time and the reader's
// language: "Adam Admin reset your multi-factor authentication on 7 December at 14:05" after an admin's reset,
// "Our support team ..." after the operator's (S11). The reset is kept with the user until they enrol again. On the
// branch as found the pages said only "Your multi-factor authentication was reset".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { resetMfa } from '../../src/ops.js';

const PW = 'reset notice passphrase 19';
// the store is Dutch: its time is Amsterdam's
const inStoreTime = (at: Date, locale: 'en-GB' | 'nl-NL') => ({
  date: new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long' }).format(at),
  time: new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at),
});

describe('who reset MFA and when, in the enrolment that follows (issue 19 item 7; S11)', () => {
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};
  let adminApp: AuthenticatorApp;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('bakery');
    ids.olga = await stack.createUser(storeId, 'olga', 'owner', PW, { name: 'Olga Owner' });
    ids.adam = await stack.createUser(storeId, 'adam', 'admin', PW, { name: 'Adam Admin' });
    ids.carla = await stack.createUser(storeId, 'carla', 'cashier', PW, { name: 'Carla Cashier' });
    await stack.enrol(ids.olga, 'bakery', 'olga');
    adminApp = await stack.enrol(ids.adam, 'bakery', 'adam');
    await stack.enrol(ids.carla, 'bakery', 'carla');
  });
  after(() => stack.close());

  const resetAt = async (userId: string) => {
    const doc = await stack.db.models.User.findById(userId).lean();
    return doc?.mfa?.reset?.at as Date | undefined;
  };

  it('after an admin\'s reset: the proof page and the wizard name the admin and the time, in English and Dutch', async () => {
    const admin = new Agent();
    const start = await admin.follow(`${stack.issuer}/admin?store=bakery`);
    const code = await submit(admin, start, { username: 'adam', password: PW });
    await submit(admin, code, { code: await adminApp.code() });
    const confirm = await admin.follow(`${stack.issuer}/admin/users/${ids.carla}/mfa/reset`);
    const shown = await submit(admin, confirm, { confirm: 'yes', password: PW }, { match: '/mfa/reset' });
    const pass = /class="access-pass"><code[^>]*>([A-Z0-9-]+)</.exec(shown.body)?.[1];
    assert.ok(pass, 'the reset shows the pass');
    // when it happened, as kept with the user (until they enrol again)
    const at = (await resetAt(ids.carla)) ?? new Date();

    const en = inStoreTime(at, 'en-GB');
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const proof = await submit(agent, flow.page, { username: 'carla', password: PW }, { stopAt: flow.redirect });
    assert.match(proof.body, /name="pass"/);
    assert.match(textOf(proof.body), new RegExp(`Adam Admin reset your multi-factor authentication on ${en.date} at ${en.time}\\.`));
    const begin = await submit(agent, proof, { pass });
    assert.match(begin.body, /name="stage" value="begin"/);
    assert.match(textOf(begin.body), new RegExp(`Adam Admin reset your multi-factor authentication on ${en.date} at ${en.time}\\.`));

    const nl = inStoreTime(at, 'nl-NL');
    const dutch = new Agent();
    const nlFlow = await beginSignIn(stack, dutch, { login_hint: 'bakery:', ui_locales: 'nl' });
    const nlProof = await submit(dutch, nlFlow.page, { username: 'carla', password: PW }, { stopAt: nlFlow.redirect });
    assert.match(textOf(nlProof.body), new RegExp(`Adam Admin heeft je multifactorauthenticatie op ${nl.date} om ${nl.time} gereset\\.`));
  });

  it('after the operator\'s reset: "our support team", also on the way into Security & ID; gone once set up again', async () => {
    const result = await resetMfa(
      { models: stack.db.models, services: stack.services },
      { storePrefix: 'bakery', username: 'olga', reason: 'ticket 19: lost phone, checked by video call', operator: 'jane', host: 'support-1' },
    );
    assert.ok(result.ok);
    const at = (await resetAt(ids.olga)) ?? new Date();
    const en = inStoreTime(at, 'en-GB');
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'bakery' }) : start;
    const proof = await submit(agent, store, { username: 'olga', password: PW });
    assert.match(textOf(proof.body), new RegExp(`Our support team reset your multi-factor authentication on ${en.date} at ${en.time}\\.`));

    // set up again: the notice has done its job
    const begin = await submit(agent, proof, { pass: result.ok ? result.pass : '' });
    const scan = await submit(agent, begin, { stage: 'begin' });
    const app = AuthenticatorApp.fromEnrolmentPage(scan.body);
    const codePage = await submit(agent, scan, { stage: 'scan' });
    const codes = await submit(agent, codePage, { stage: 'code', code: await app.code() });
    await submit(agent, codes, { stage: 'codes', saved: '1' });
    assert.equal(await resetAt(ids.olga), undefined);
    assert.equal((await stack.db.models.User.findById(new Types.ObjectId(ids.olga)).lean())?.mfa?.mustEnrol, false);
  });
});
