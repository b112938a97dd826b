// A right password is handed to the browser as a signed, interaction-bound, short-lived proof instead of being stored
// (issue 22: one write less per sign-in). It proves nothing in another interaction, nothing once expired or altered,
// and nothing after an account-wide revocation (checklist 59, 64: ending everything ends sign-ins in progress too).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../helpers/agent.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';
import { enrolOnClock, testClock, type ClockedApp } from '../helpers/clocked-app.js';
import { revokeEverythingOf } from '../../src/provider/mongo-adapter.js';
import { PROOF_TTL_MS } from '../../src/flow/proof.js';

const PW = 'proof of password 2026';

describe('the proven password travels signed with the browser (issue 22)', () => {
  let stack: Stack;
  let app: ClockedApp;
  let userId: string;
  const clock = testClock();

  before(async () => {
    stack = await startStack({}, { clock: clock.now });
    const storeId = await stack.createStore('quay');
    userId = await stack.createUser(storeId, 'ines', 'cashier', PW, { locale: 'en' });
    app = await enrolOnClock(stack, clock, userId, 'quay', 'ines');
  });
  after(() => stack.close());

  const proofCookieOf = (agent: Agent, uid: string) => agent.cookie(`signin-proof-${uid}`);
  const uidOf = (url: string) => /\/interaction\/([^/?]+)/.exec(url)?.[1] ?? '';
  // the sign-in starts over at the store or the password question, never at the code
  const askedAgain = (body: string) => {
    assert.match(body, /name="store"|name="password"/);
    assert.doesNotMatch(body, /name="code"/);
  };

  // authorize -> store -> password: the code page, with the interaction's uid
  async function toCodePage(agent: Agent) {
    const flow = await beginSignIn(stack, agent);
    const password = await submit(agent, flow.page, { store: 'quay' });
    const codePage = await submit(agent, password, { username: 'ines', password: PW });
    assert.match(codePage.body, /name="code"/);
    return { flow, codePage, uid: uidOf(codePage.url) };
  }

  it('the password step stores nothing: its proof is a cookie, and the code page reloaded still asks for the code', async () => {
    const agent = new Agent();
    const { flow, codePage, uid } = await toCodePage(agent);
    const doc = await stack.db.models.OidcPayload.findById(`Interaction:${uid}`).lean();
    assert.ok(doc);
    assert.doesNotMatch(String(doc.flow), /passwordVerified/, 'the stored flow state does not know the password');
    assert.ok(proofCookieOf(agent, uid), 'the browser holds the proof');
    const reloaded = await agent.follow(`${stack.issuer}/interaction/${uid}`);
    assert.match(reloaded.body, /name="code"/);
    const done = await submit(agent, codePage, { code: app.code() }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    assert.deepEqual(tokens.claims()?.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(proofCookieOf(agent, uid), undefined, 'the finished sign-in forgets the proof');
  });

  it('a proof proves nothing in another interaction, even of the same browser', async () => {
    const agent = new Agent();
    const first = await toCodePage(agent);
    const other = new Agent();
    const second = await beginSignIn(stack, other);
    const uid = uidOf((await submit(other, second.page, { store: 'quay' })).url);
    // the first interaction's proof, under the second one's name
    other.setCookie(`signin-proof-${uid}`, proofCookieOf(agent, first.uid));
    const page = await other.follow(`${stack.issuer}/interaction/${uid}`);
    askedAgain(page.body);
  });

  it('checklist 47: the proof is opaque (nobody\'s name, id or store in it), and an altered one proves nothing', async () => {
    const agent = new Agent();
    const { uid } = await toCodePage(agent);
    const proof = proofCookieOf(agent, uid) ?? '';
    const decoded = [proof, ...proof.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'))].join(' ');
    for (const pii of ['ines', userId, 'quay']) assert.ok(!decoded.includes(pii), `the proof names ${pii}`);
    // one character changed in the middle (a segment's last character may carry unused bits)
    const middle = proof.length >> 1;
    const at = proof[middle] === '.' ? middle + 1 : middle;
    agent.setCookie(`signin-proof-${uid}`, `${proof.slice(0, at)}${proof[at] === 'A' ? 'B' : 'A'}${proof.slice(at + 1)}`);
    const page = await agent.follow(`${stack.issuer}/interaction/${uid}`);
    askedAgain(page.body);
  });

  it(`a proof expires: after ${PROOF_TTL_MS / 60_000} minutes at the code page, the password is asked again`, async () => {
    const agent = new Agent();
    const { uid } = await toCodePage(agent);
    clock.later(PROOF_TTL_MS + 1_000);
    const page = await agent.follow(`${stack.issuer}/interaction/${uid}`);
    askedAgain(page.body);
  });

  it('checklist 59, 64: ending everything of the account ends a sign-in whose password was proven, though nothing of it was stored', async () => {
    const agent = new Agent();
    const { codePage, flow } = await toCodePage(agent);
    await revokeEverythingOf(stack.db.models, stack.services.payloads, userId);
    const done = await submit(agent, codePage, { code: app.code() }, { stopAt: flow.redirect });
    assert.ok(!done.url.startsWith(flow.redirect), 'no code for the client');
    askedAgain(done.body);
  });
});
