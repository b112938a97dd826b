// B20 over real HTTP: a manager approves one transaction of the signed-in cashier with RFC 9396 authorization details;
// the token names both and exactly that transaction, lives at most 2 minutes, and is used once (provider-side).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { Agent, textOf } from '../helpers/agent.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PASSWORD = 'shop floor passphrase 2026';
const REFUND = { type: 'pos_approval', action: 'refund', amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: 'T-1234' };
// several managers, so no test waits for an authenticator app's next code
const MANAGERS = ['mia', 'mara', 'max', 'mona', 'milo'];
const BASIC = `Basic ${Buffer.from('demo-pos:demo-pos-secret-change-me-in-production').toString('base64')}`;

describe('Manager approval for one transaction (B20)', () => {
  let stack: Stack;
  let storeId: string;
  let otherStoreId: string;
  const ids: Record<string, string> = {};
  const apps: Record<string, AuthenticatorApp> = {};
  let resource: string;
  let turn = 1;
  const nextManager = () => MANAGERS[turn++ % MANAGERS.length]!;

  // the provider's clock runs this far ahead (an approval used after its 2 minutes)
  let ahead = 0;

  before(async () => {
    stack = await startStack({}, { clock: () => new Date(Date.now() + ahead) });
    resource = `${stack.demoUrl}/api/approvals`;
    storeId = await stack.createStore('bakery', { country: 'GB' });
    otherStoreId = await stack.createStore('deli', { country: 'GB' });
    for (const [name, role] of [['carla', 'cashier'], ['colin', 'cashier'], ['nick', 'manager']] as const) {
      ids[name] = await stack.createUser(storeId, name, role, PASSWORD);
    }
    for (const name of MANAGERS) {
      ids[name] = await stack.createUser(storeId, name, 'manager', PASSWORD);
      apps[name] = await stack.enrol(ids[name]!, 'bakery', name);
    }
    ids.otto = await stack.createUser(otherStoreId, 'otto', 'manager', PASSWORD);
    apps.colin = await stack.enrol(ids.colin!, 'bakery', 'colin');
    apps.otto = await stack.enrol(ids.otto!, 'deli', 'otto');
    // nick is a manager without a second factor
  });
  after(() => stack.close());

  // the register: carla signs in on the demo POS (password only: cashiers need no MFA here)
  async function register() {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const done = await submit(agent, flow.page, { username: 'carla', password: PASSWORD }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, done.url);
    return { agent, idToken: tokens.id_token!, sid: tokens.claims()!.sid };
  }

  const ask = (agent: Agent, idToken: string | undefined, detail: Record<string, unknown> = REFUND, extra: Record<string, string> = {}) =>
    beginSignIn(stack, agent, {
      scope: 'openid approvals',
      resource,
      authorization_details: JSON.stringify([detail]),
      ...(idToken ? { id_token_hint: idToken } : {}),
      ...extra,
    });

  // the manager's full sign-in inside the approval: password, then the authenticator-app code
  async function managerSignsIn(agent: Agent, flow: Awaited<ReturnType<typeof ask>>, who: string) {
    const afterPassword = await submit(agent, flow.page, { username: who, password: PASSWORD }, { stopAt: flow.redirect });
    if (!/name="code"/.test(afterPassword.body)) return afterPassword;
    return submit(agent, afterPassword, { code: await apps[who]!.code() }, { stopAt: flow.redirect });
  }

  const redeemAt = (fields: Record<string, string>, auth = BASIC) =>
    fetch(`${stack.issuer}/approvals/redeem`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

  const booking = (token: string, over: Record<string, string> = {}) => ({
    token,
    action: REFUND.action,
    amount: REFUND.amount,
    currency: REFUND.currency,
    register: REFUND.register,
    transaction_id: REFUND.transaction_id,
    ...over,
  });

  async function approved(detail: Record<string, unknown> = REFUND) {
    const till = await register();
    const flow = await ask(till.agent, till.idToken, detail);
    const manager = nextManager();
    const decision = await managerSignsIn(till.agent, flow, manager);
    const back = await submit(till.agent, decision, { decision: 'approve' }, { stopAt: flow.redirect });
    const tokens = await redeem(flow, back.url);
    return { till, tokens, manager };
  }

  it('the manager signs in fully, sees the transaction in words and approves: a ≤ 2 min token naming both and exactly that transaction, no refresh token (B20; checklist 71)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    // every page of the approval says what is approved, for whom
    assert.match(textOf(flow.page.body), /refund of €120\.00 on Till 2 for cashier carla name \(transaction T-1234\)/);
    assert.match(textOf(flow.page.body), /The register stays signed in as carla name/);
    const code = await submit(till.agent, flow.page, { username: 'mia', password: PASSWORD });
    // a remembered device or not: an approval always asks the second factor
    assert.match(code.body, /name="code"/);
    const decision = await submit(till.agent, code, { code: await apps.mia!.code() });
    assert.match(textOf(decision.body), /Approve a refund of €120\.00 on Till 2 for cashier carla name \(transaction T-1234\)\?/);
    const back = await submit(till.agent, decision, { decision: 'approve' }, { stopAt: flow.redirect });
    assert.ok(back.url.startsWith(flow.redirect));
    const tokens = await redeem(flow, back.url);
    assert.equal(tokens.refresh_token, undefined);
    const at = decodeJwt(tokens.access_token);
    assert.equal(at.aud, resource);
    assert.ok(at.exp! - at.iat! <= 120);
    // the subject is the cashier whose transaction it is; the approver is named in the enriched details (RFC 9396 §7.1)
    assert.equal(at.sub, ids.carla);
    const [detail] = at.authorization_details as Array<Record<string, unknown>>;
    assert.equal((at.authorization_details as unknown[]).length, 1);
    const { cashier, approver, ...asked } = detail as { cashier: Record<string, unknown>; approver: Record<string, unknown> };
    assert.deepEqual(asked, REFUND);
    assert.deepEqual(cashier, { sub: ids.carla, name: 'carla name' });
    assert.equal(approver.sub, ids.mia);
    assert.equal(approver.role, 'manager');
    assert.deepEqual(approver.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(approver.acr, 'urn:pos-idp:acr:mfa');
    assert.deepEqual(tokens.authorization_details, at.authorization_details);
    const events = await stack.db.models.AuditEvent.find({ type: 'approval.granted', actorId: ids.mia }).lean();
    assert.equal(events.length, 1);
    assert.equal(String(events[0]!.userId), ids.carla);
    assert.equal((events[0]!.details as Record<string, unknown>).amount, '120.00');
  });

  it('the register stays the cashier\'s: same session, no session of the manager (B20)', async () => {
    const { till } = await approved();
    const again = await beginSignIn(stack, till.agent, { prompt: 'none' });
    assert.ok(again.page.url.startsWith(again.redirect), 'a silent request is answered from the existing session');
    const tokens = await redeem(again, again.page.url);
    assert.equal(tokens.claims()!.sub, ids.carla);
    assert.equal(tokens.claims()!.sid, till.sid);
    const managerSessions = await stack.db.models.OidcPayload.countDocuments({ model: 'Session', accountId: ids.mia });
    assert.equal(managerSessions, 0);
  });

  it('the POS uses the approval once: a second use, another amount, another transaction or another register is refused (B20; checklist 86)', async () => {
    const { tokens, manager } = await approved();
    const token = tokens.access_token;
    const others: Array<Record<string, string>> = [{ amount: '1200.00' }, { transaction_id: 'T-9999' }, { register: 'Till 3' }, { action: 'discount' }];
    for (const over of others) {
      const res = await redeemAt(booking(token, over));
      assert.equal(res.status, 409, JSON.stringify(over));
      assert.equal(((await res.json()) as { error: string }).error, 'approval_mismatch');
    }
    const before = stack.commands.length;
    const first = await redeemAt(booking(token));
    assert.equal(first.status, 200);
    // the marker insert, the cashier's store for the audit event, the event: nothing else
    const used = stack.commands.slice(before).map((c) => c.commandName);
    assert.ok(used.length <= 3, used.join(', '));
    const body = (await first.json()) as { approved: boolean; authorization_details: Array<{ approver: { sub: string } }> };
    assert.equal(body.approved, true);
    assert.equal(body.authorization_details[0]!.approver.sub, ids[manager]);
    const second = await redeemAt(booking(token));
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { error: string }).error, 'approval_used');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'approval.reuse_refused' }), 1);
  });

  it('an approval used after its 2 minutes is refused (B20)', async () => {
    const { tokens } = await approved();
    ahead = 121_000;
    try {
      const late = await redeemAt(booking(tokens.access_token));
      assert.equal(late.status, 400);
      assert.equal(((await late.json()) as { error: string }).error, 'invalid_token');
    } finally {
      ahead = 0;
    }
  });

  it('two parallel uses of one approval: exactly one succeeds (B20; DESIGN rule 8)', async () => {
    const { tokens } = await approved({ ...REFUND, transaction_id: 'T-PAR' });
    const results = await Promise.all([0, 1, 2, 3].map(() => redeemAt(booking(tokens.access_token, { transaction_id: 'T-PAR' }))));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
  });

  it('only the client the approval was issued to can use it, with its secret; a forged token is refused', async () => {
    const { tokens } = await approved();
    const wrongSecret = await redeemAt(booking(tokens.access_token), `Basic ${Buffer.from('demo-pos:guess').toString('base64')}`);
    assert.equal(wrongSecret.status, 401);
    const [h, p] = tokens.access_token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.authorization_details[0].amount = '9999.00';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${tokens.access_token.split('.')[2]}`;
    const res = await redeemAt(booking(forged, { amount: '9999.00' }));
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_token');
  });

  it('a cashier cannot approve, not even their own transaction, and is told so in words; Back ends with access_denied (B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    // another cashier with MFA is told right after the password, before any code
    const refused = await submit(till.agent, flow.page, { username: 'colin', password: PASSWORD });
    assert.match(textOf(refused.body), /colin name cannot approve transactions\. A manager, an administrator or the store's owner must sign in\./);
    assert.doesNotMatch(refused.body, /name="code"/);
    // another person may try: the cashier herself cannot approve her own transaction
    const retry = await till.agent.follow(new URL(refused.body.match(/id="approval-another" href="([^"]+)"/)![1]!, refused.url).href);
    const self = await submit(till.agent, retry, { username: 'carla', password: PASSWORD });
    assert.match(textOf(self.body), /You cannot approve your own transaction/);
    // a manager without a second factor cannot either
    const retry2 = await till.agent.follow(new URL(self.body.match(/id="approval-another" href="([^"]+)"/)![1]!, self.url).href);
    const noMfa = await submit(till.agent, retry2, { username: 'nick', password: PASSWORD });
    assert.match(textOf(noMfa.body), /nick name has no second factor/);
    const back = await submit(till.agent, noMfa, {}, { stopAt: flow.redirect });
    assert.equal(new URL(back.url).searchParams.get('error'), 'access_denied');
    const refusals = await stack.db.models.AuditEvent.find({ type: 'approval.refused' }).lean();
    assert.deepEqual(refusals.map((e) => (e.details as { reason: string }).reason).sort(), ['no_mfa', 'role', 'self']);
  });

  it('a manager of another store cannot approve: unknown in this store, and refused after changing the store (B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    const unknown = await submit(till.agent, flow.page, { username: 'otto', password: PASSWORD });
    assert.equal(unknown.status, 400);
    assert.doesNotMatch(unknown.body, /name="code"/);
    const storePage = await till.agent.follow(new URL(unknown.body.match(/href="([^"]*change-store)"/)![1]!, unknown.url).href);
    const password = await submit(till.agent, storePage, { store: 'deli' });
    const refused = await submit(till.agent, password, { username: 'otto', password: PASSWORD });
    assert.match(textOf(refused.body), /otto name does not work for the store of this register/);
  });

  it('a device the manager asked to remember still asks the code in an approval, and an approval offers no remembering (B20; checklist 52)', async () => {
    const manager = nextManager();
    // the manager signed in on some browser with "remember this device"; the register now holds that device cookie
    const own = new Agent();
    const signIn = await beginSignIn(stack, own, { login_hint: 'bakery:' });
    const code = await submit(own, signIn.page, { username: manager, password: PASSWORD }, { stopAt: signIn.redirect });
    assert.match(code.body, /name="remember"/);
    await submit(own, code, { code: await apps[manager]!.code(), remember: '1' }, { stopAt: signIn.redirect });
    const device = own.cookie('device');
    assert.ok(device);
    const till = await register();
    till.agent.setCookie('device', device);
    const flow = await ask(till.agent, till.idToken);
    const asked = await submit(till.agent, flow.page, { username: manager, password: PASSWORD });
    assert.match(asked.body, /name="code"/);
    assert.doesNotMatch(asked.body, /name="remember"/);
  });

  it('an id_token_hint of anyone but the register\'s signed-in user is refused: login_required (B20)', async () => {
    const till = await register();
    const other = new Agent();
    const flow = await beginSignIn(stack, other, { login_hint: 'bakery:' });
    const done = await submit(other, flow.page, { username: 'nick', password: PASSWORD }, { stopAt: flow.redirect });
    const nickToken = (await redeem(flow, done.url)).id_token!;
    const forged = await ask(till.agent, nickToken);
    assert.equal(new URL(forged.page.url).searchParams.get('error'), 'login_required');
  });

  it('the manager declines: access_denied back to the POS, audited (B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    const manager = nextManager();
    const decision = await managerSignsIn(till.agent, flow, manager);
    const back = await submit(till.agent, decision, { decision: 'decline' }, { stopAt: flow.redirect });
    assert.equal(new URL(back.url).searchParams.get('error'), 'access_denied');
    assert.equal(await stack.db.models.AuditEvent.countDocuments({ type: 'approval.declined', actorId: ids[manager] }), 1);
  });

  // issue 23: an approval that ends without a token says how, so the register can tell the cashier in words
  const ending = (url: string) => new URL(url).searchParams.get('error_description')?.split(':')[0];
  const interactionOf = (url: string) => /^.*\/interaction\/[^/]+/.exec(url)![0];

  it('the approval page says who decides, never "Approved by" before anyone approved; Decline reaches the POS as approval_declined (issue 23, B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    const decision = await managerSignsIn(till.agent, flow, nextManager());
    assert.doesNotMatch(textOf(decision.body), /Approved by/);
    assert.match(textOf(decision.body), /Decision by \S+ name/);
    const back = await submit(till.agent, decision, { decision: 'decline' }, { stopAt: flow.redirect });
    assert.equal(new URL(back.url).searchParams.get('error'), 'access_denied');
    assert.equal(ending(back.url), 'approval_declined');
    assert.equal(new URL(back.url).searchParams.get('state'), flow.state);
  });

  it('"Back to the register without approval" reaches the POS as approval_cancelled (issue 23, B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken);
    const refused = await submit(till.agent, flow.page, { username: 'colin', password: PASSWORD });
    const back = await submit(till.agent, refused, {}, { stopAt: flow.redirect });
    assert.equal(ending(back.url), 'approval_cancelled');
  });

  it('an approval that expired says so in words and leads back to the register with approval_expired, in English and Dutch (issue 23, B20)', async () => {
    for (const [locale, title, words, button] of [
      ['en', /This approval request has expired/, /The request to approve a refund of €120\.00 on Till 2 for cashier carla name \(transaction T-1234\) has expired\. Nothing was approved\./, 'Back to the register'],
      ['nl', /Deze goedkeuringsaanvraag is verlopen/, /De aanvraag om een terugbetaling van € 120,00 op Till 2 voor kassamedewerker carla name \(transactie T-1234\) goed te keuren, is verlopen\./, 'Terug naar de kassa'],
    ] as const) {
      const till = await register();
      const flow = await ask(till.agent, till.idToken, REFUND, { ui_locales: locale });
      const granted = () => stack.db.models.AuditEvent.countDocuments({ type: 'approval.granted' });
      const grantedBefore = await granted();
      const decision = await managerSignsIn(till.agent, flow, nextManager());
      assert.match(decision.body, /name="decision"/);
      // the manager leaves the page open past the interaction's lifetime (an hour), then presses Approve
      ahead = 2 * 3600_000;
      try {
        const late = await submit(till.agent, decision, { decision: 'approve' }, { stopAt: flow.redirect });
        assert.equal(late.status, 200);
        assert.match(textOf(late.body), title);
        assert.match(textOf(late.body), words);
        assert.doesNotMatch(textOf(late.body), /took too long|duurde te lang/);
        const link = /id="back-to-register" href="([^"]+)"/.exec(late.body)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
        assert.ok(link && late.body.includes(button), 'a way back to the register');
        const url = new URL(link);
        assert.equal(`${url.origin}${url.pathname}`, flow.redirect);
        assert.equal(url.searchParams.get('error'), 'access_denied');
        assert.equal(ending(link), 'approval_expired');
        assert.equal(url.searchParams.get('state'), flow.state);
        assert.equal(url.searchParams.get('iss'), stack.issuer);
        // opening the approval's address again says the same; nothing was approved
        const again = await till.agent.follow(interactionOf(decision.url), { stopAt: flow.redirect });
        assert.match(textOf(again.body), title);
        assert.equal(await granted(), grantedBefore);
      } finally {
        ahead = 0;
      }
    }
  });

  it('an approval that ended leaves no "expired" page behind: its later URLs are the ordinary expired sign-in (issue 23, B20)', async () => {
    const { till } = await approved();
    const flow = await ask(till.agent, till.idToken);
    const decision = await managerSignsIn(till.agent, flow, nextManager());
    await submit(till.agent, decision, { decision: 'decline' }, { stopAt: flow.redirect });
    const stale = await till.agent.follow(interactionOf(decision.url), { stopAt: flow.redirect });
    assert.equal(stale.status, 400);
    assert.match(textOf(stale.body), /Your sign-in took too long/);
  });

  it('in Dutch the amount reads "€ 120,00" (B8, B20)', async () => {
    const till = await register();
    const flow = await ask(till.agent, till.idToken, REFUND, { ui_locales: 'nl' });
    assert.match(textOf(flow.page.body), /terugbetaling van € 120,00 op Till 2 voor kassamedewerker carla name/);
    const decision = await managerSignsIn(till.agent, flow, nextManager());
    assert.match(textOf(decision.body), /Een terugbetaling van € 120,00 op Till 2 voor kassamedewerker carla name \(transactie T-1234\) goedkeuren\?/);
  });

  it('malformed or unsafe requests fail at once with a clear error at the redirect URI, nothing asked of a manager (B20)', async () => {
    const till = await register();
    const cases: Array<[Record<string, unknown>, Record<string, string>, string]> = [
      [{ ...REFUND, amount: 120 }, {}, 'invalid_authorization_details'],
      [{ ...REFUND, amount: '120' }, {}, 'invalid_authorization_details'],
      [{ ...REFUND, action: 'steal' }, {}, 'invalid_authorization_details'],
      [{ ...REFUND, cashier: 'Mia' }, {}, 'invalid_authorization_details'],
      [{ ...REFUND, currency: 'euro' }, {}, 'invalid_authorization_details'],
      [REFUND, { prompt: 'login' }, 'invalid_request'],
      [REFUND, { max_age: '0' }, 'invalid_request'],
      // an approval token only ever goes to an approvals resource server (2 minutes), never e.g. the reports API
      [REFUND, { resource: `${stack.demoUrl}/api/reports`, scope: 'openid reports:read' }, 'invalid_target'],
    ];
    for (const [detail, extra, error] of cases) {
      const flow = await ask(till.agent, till.idToken, detail, extra);
      assert.ok(flow.page.url.startsWith(flow.redirect), JSON.stringify(detail));
      assert.equal(new URL(flow.page.url).searchParams.get('error'), error, JSON.stringify({ detail, extra }));
    }
    const noHint = await ask(till.agent, undefined);
    assert.equal(new URL(noHint.page.url).searchParams.get('error'), 'invalid_request');
    // the POS cannot name a cashier the register is not signed in as: a fresh browser holding carla's ID token
    const elsewhere = await ask(new Agent(), till.idToken);
    assert.equal(new URL(elsewhere.page.url).searchParams.get('error'), 'login_required');
  });
});
