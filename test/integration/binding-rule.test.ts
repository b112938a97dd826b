// Issue 19's findings, reproduced over HTTP against the shipped provider: no path binds a factor with a password alone,
// a registration failure never hands out a new challenge, and every binding asks the password again (B17; checklist
// 38, 39, 58, 62). Each of these passed on the code before the binding rule, which is what made them findings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, formOf, textOf, type Response } from '../helpers/agent.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';
import { passkeyOptionsOf, SoftPasskey } from '../helpers/passkey-device.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';

const PW = 'binding passphrase 19';

describe('one binding rule: the findings of issue 19 (B17; checklist 38, 39, 58, 62)', () => {
  let stack: Stack;
  let storeId: string;
  let users = 0;

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('pier');
  });
  after(() => stack.close());

  const newUser = async (role: string) => {
    const username = `${role}${++users}`;
    return { username, id: await stack.createUser(storeId, username, role, PW) };
  };
  const mfaOf = async (id: string) => (await stack.db.models.User.findById(id).lean())?.mfa?.enabled;
  const passkeysOf = async (id: string) => Object.values((await stack.db.models.User.findById(id).lean())?.credentials ?? {}).filter((c) => (c as { type: string }).type === 'passkey');
  const noChallenge = (page: Response, why: string) => assert.doesNotMatch(page.body, /data-options=|challenge/, why);

  // Security & ID after a sign-in: the password alone, or the password and the app
  async function account(username: string, app?: AuthenticatorApp) {
    const agent = new Agent();
    const start = await agent.follow(`${stack.issuer}/account/login`);
    const store = /name="store"/.test(start.body) ? await submit(agent, start, { store: 'pier' }) : start;
    let page = await submit(agent, store, { username, password: PW });
    if (app) page = await submit(agent, page, { code: await app.code() });
    assert.match(page.body, /<h1>Security &amp; ID<\/h1>/);
    return { agent, page, csrf: formOf(page.body, 'action="/account/passkeys/new"').fields.csrf ?? '' };
  }

  it('HIGH: a first passkey needs the pass: /register refuses without one and its refusal carries no new challenge', async () => {
    const { username, id } = await newUser('cashier');
    const { agent, page, csrf } = await account(username);
    const passkey = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);

    // the attack as found: POST /register with anything, then use the challenge on the refusal page
    const refused = await agent.follow(`${stack.issuer}/account/passkeys/register`, { form: { csrf, name: 'Mine', credential: 'x' } });
    assert.equal(refused.status, 400);
    noChallenge(refused, 'the refusal carries no registration challenge');
    // a registration made for a challenge of the attacker's own choosing is refused as well
    const forged = passkey.register({ challenge: Buffer.from('a challenge of my own').toString('base64url'), rp: { id: new URL(stack.issuer).hostname } });
    noChallenge(await agent.follow(`${stack.issuer}/account/passkeys/register`, { form: { csrf, name: 'Mine', credential: JSON.stringify(forged) } }), 'nor does this one');

    // the ordinary way: name and password, then the pass, and only then the browser's dialog
    const proof = await submit(agent, page, { name: 'Mine', password: PW }, { match: 'action="/account/passkeys/new"' });
    assert.match(proof.body, /name="pass"/, 'the pass is asked for');
    noChallenge(proof, 'no challenge before the pass');
    noChallenge(await agent.follow(`${stack.issuer}/account/passkeys/register`), 'nor on a reload of the registration page');
    assert.equal(await mfaOf(id), false);
    assert.equal((await passkeysOf(id)).length, 0);

    const register = await submit(agent, proof, { pass: await stack.accessPass(id) });
    const options = passkeyOptionsOf(register.body);
    const done = await submit(agent, register, { credential: JSON.stringify(passkey.register(options)) }, { match: 'action="/account/passkeys/register"' });
    assert.match(textOf(done.body), /recovery codes/i, 'a first factor comes with its recovery codes');
    assert.equal(await mfaOf(id), true);
    const event = await stack.db.models.AuditEvent.findOne({ type: 'mfa.enabled', userId: new Types.ObjectId(id) }).lean();
    assert.equal((event?.details as { via?: string })?.via, 'pass', 'the history says how the binding was allowed (checklist 65)');
  });

  it('HIGH: "Reset" on Security & ID for a user without MFA asks for the pass too', async () => {
    const { username, id } = await newUser('cashier');
    const { agent, page } = await account(username);
    const reset = await agent.follow(`${stack.issuer}/account/mfa/reset`, { form: { csrf: formOf(page.body, 'action="/account/passkeys/new"').fields.csrf ?? '' } });
    assert.match(reset.body, /name="pass"/);
    assert.doesNotMatch(reset.body, /name="stage"/, 'no wizard');
    // posting the wizard's first stage anyway shows the proof page again
    const forced = await agent.follow(`${stack.issuer}/account/mfa/wizard`, { form: { csrf: formOf(reset.body).fields.csrf ?? '', stage: 'begin' } });
    assert.match(forced.body, /name="pass"/);
    assert.doesNotMatch(forced.body, /name="stage" value="password"/);
    assert.equal(await mfaOf(id), false);
  });

  it('MEDIUM: a user with MFA adds a passkey only after the password again, and a failed registration starts over', async () => {
    const { username, id } = await newUser('manager');
    const app = await stack.enrol(id, 'pier', username);
    const { agent, page, csrf } = await account(username, app);
    const passkey = new SoftPasskey(stack.issuer, new URL(stack.issuer).hostname);

    noChallenge(await agent.follow(`${stack.issuer}/account/passkeys/register`, { form: { csrf, name: 'Mine', credential: 'x' } }), 'no challenge without the password');
    const without = await submit(agent, page, { name: 'Mine', password: '' }, { match: 'action="/account/passkeys/new"' });
    assert.equal(without.status, 400);
    noChallenge(without, 'the password is asked again');

    const register = await submit(agent, page, { name: 'Mine', password: PW }, { match: 'action="/account/passkeys/new"' });
    const options = passkeyOptionsOf(register.body);
    // the browser's answer fails: the registration ends, with no new challenge, and the password is asked again
    const failed = await submit(agent, register, { credential: 'x' }, { match: 'action="/account/passkeys/register"' });
    assert.equal(failed.status, 400);
    noChallenge(failed, 'a failure issues no new challenge');
    const late = await submit(agent, register, { credential: JSON.stringify(passkey.register(options)) }, { match: 'action="/account/passkeys/register"' });
    assert.equal(late.status, 400, 'the earlier challenge does not come back to life');
    assert.equal((await passkeysOf(id)).length, 0);

    const again = await submit(agent, page, { name: 'Mine', password: PW }, { match: 'action="/account/passkeys/new"' });
    const added = await submit(agent, again, { credential: JSON.stringify(passkey.register(passkeyOptionsOf(again.body))) }, { match: 'action="/account/passkeys/register"' });
    assert.match(added.url, /done=passkey_added/);
    assert.equal((await passkeysOf(id)).length, 1);
  });
});
