// The admin console over real HTTP: sign-in through the provider with MFA, store scoping, CSRF, MFA reset/removal,
// policy, audit export (D5, B5, B10, B12, S1, S5, S11; checklist 59-65).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, formOf, textOf } from '../helpers/agent.js';
import { AuthenticatorApp } from '../helpers/totp-device.js';
import { beginSignIn, redeem, startStack, submit, type Stack } from '../helpers/stack.js';

const PW = {
  owner: 'owner passphrase 2026',
  admin: 'admin passphrase 2026',
  manager: 'manager passphrase 2026',
  cashier: 'cashier passphrase 2026',
  other: 'other admin passphrase 2026',
};

// RFC 4180 reader for the export test: quoted cells may hold commas, doubled quotes and line breaks.
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('admin console (D5, B12, S11)', () => {
  let stack: Stack;
  let storeId: string;
  let otherStoreId: string;
  const ids: Record<string, string> = {};
  const apps: Record<string, AuthenticatorApp> = {};
  let adminAgent: Agent;
  let adminCsrf: string;
  let ownerAgent: Agent;
  let oscarAgent: Agent;

  // MFA set up directly through the service, as the account page would (keeps the tests to one code per sign-in).
  async function enrol(userId: string, username: string): Promise<AuthenticatorApp> {
    const pending = stack.services.factors.totp.newPendingSecret();
    const { secretGrouped } = await stack.services.factors.totp.describePending(pending, 'bakery', username);
    const app = new AuthenticatorApp(secretGrouped.replace(/\s+/g, ''));
    const done = await stack.services.factors.totp.confirmEnrolment(userId, pending, await app.code(), { actorId: userId }, await stack.grant(userId));
    assert.ok(done.ok);
    return app;
  }

  // /admin -> the provider's own sign-in (store preselected) -> password -> code or enrolment wizard -> /admin/callback.
  async function signInToAdmin(agent: Agent, store: string, username: string, password: string, app?: AuthenticatorApp) {
    const start = await agent.follow(`${stack.issuer}/admin?store=${store}`);
    assert.match(start.body, /name="password"/, 'the provider asks for the password');
    let page = await submit(agent, start, { username, password });
    // a first authenticator needs the temporary access pass an owner or admin hands over (B17)
    if (/name="pass"/.test(page.body)) {
      const found = await stack.services.users.storeByPrefix(store);
      const who = found && (await stack.services.users.byUsername(found.id, username));
      assert.ok(who);
      page = await submit(agent, page, { pass: await stack.accessPass(who.id) });
    }
    if (/name="stage" value="begin"/.test(page.body)) {
      const scan = await submit(agent, page, { stage: 'begin' });
      const enrolled = AuthenticatorApp.fromEnrolmentPage(scan.body);
      const code = await submit(agent, scan, { stage: 'scan' });
      const shown = await submit(agent, code, { stage: 'code', code: await enrolled.code() });
      page = await submit(agent, shown, { stage: 'codes', saved: '1' });
      return { page, app: enrolled };
    }
    assert.match(page.body, /name="code"/, 'the admin console always asks for the second factor (B12)');
    page = await submit(agent, page, { code: await app!.code() });
    return { page, app };
  }

  // A POS sign-in (demo-pos client) up to the callback or the first page that is not the callback.
  async function posSignIn(agent: Agent, username: string, password: string) {
    const flow = await beginSignIn(stack, agent, { login_hint: 'bakery:' });
    const page = await submit(agent, flow.page, { username, password }, { stopAt: flow.redirect });
    return { agent, flow, page, done: page.url.startsWith(flow.redirect) };
  }

  const get = (agent: Agent, path: string, headers: Record<string, string> = {}) => agent.request(`${stack.issuer}${path}`, { headers });
  const apiPost = (agent: Agent, path: string, body: unknown, csrf?: string) =>
    fetch(`${stack.issuer}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        cookie: [['admin', agent.cookie('admin')], ['admin.sig', agent.cookie('admin.sig')]].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: JSON.stringify(body),
    });
  const user = (id: string) => stack.services.users.byId(id);

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('bakery');
    otherStoreId = await stack.createStore('butcher');
    ids.owner = await stack.createUser(storeId, 'olga', 'owner', PW.owner);
    ids.admin = await stack.createUser(storeId, 'adam', 'admin', PW.admin);
    ids.manager = await stack.createUser(storeId, 'mia', 'manager', PW.manager);
    ids.casey = await stack.createUser(storeId, 'casey', 'cashier', PW.cashier);
    ids.carl = await stack.createUser(storeId, 'carl', 'cashier', PW.cashier);
    ids.rita = await stack.createUser(storeId, 'rita', 'cashier', PW.cashier);
    ids.dan = await stack.createUser(storeId, 'dan', 'cashier', PW.cashier);
    ids.oscar = await stack.createUser(otherStoreId, 'oscar', 'admin', PW.other);
    ids.otto = await stack.createUser(otherStoreId, 'otto', 'cashier', PW.cashier);
    apps.owner = await enrol(ids.owner, 'olga');
    apps.casey = await enrol(ids.casey, 'casey');
    apps.rita = await enrol(ids.rita, 'rita');
  });
  after(() => stack.close());

  it('without an admin session: pages send you to sign in, the API answers 401', async () => {
    const page = await new Agent().request(`${stack.issuer}/admin/users`);
    assert.equal(page.status, 302);
    assert.match(page.headers.get('location') ?? '', /^\/admin\/login\?return=%2Fadmin%2Fusers/);
    const api = await new Agent().request(`${stack.issuer}/admin/api/users`);
    assert.equal(api.status, 401);
    assert.equal(JSON.parse(api.body).error, 'unauthorized');
    const login = await new Agent().request(`${stack.issuer}/admin/login?store=bakery`);
    const auth = new URL(login.headers.get('location')!);
    assert.equal(auth.searchParams.get('client_id'), 'admin-console');
    assert.equal(auth.searchParams.get('acr_values'), 'urn:pos-idp:acr:mfa');
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce'));
    assert.equal(auth.searchParams.get('login_hint'), 'bakery:');
  });

  it('an admin without MFA enrols during the sign-in and lands in the console (S1, B12)', async () => {
    adminAgent = new Agent();
    const { page, app } = await signInToAdmin(adminAgent, 'bakery', 'adam', PW.admin);
    apps.admin = app!;
    assert.equal(page.status, 200);
    assert.match(page.url, /\/admin(\?|$)/);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    assert.match(textOf(page.body), /bakery store/);
    assert.ok(adminAgent.cookie('admin'), 'an admin session cookie is set');
    adminCsrf = csrfOf(page.body);
    assert.ok(adminCsrf.length > 20);
    const session = await stack.db.models.AdminSession.findOne({ kind: 'session', userId: ids.admin }).lean();
    assert.ok(session, 'the admin session lives server-side');
    assert.notEqual(session!._id, adminAgent.cookie('admin'), 'only a hash of the cookie value is stored');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.signin', userId: ids.admin, 'details.acr': 'urn:pos-idp:acr:mfa' }));
  });

  it('a manager is refused with 403 after signing in (B12)', async () => {
    const agent = new Agent();
    const { page } = await signInToAdmin(agent, 'bakery', 'mia', PW.manager);
    assert.equal(page.status, 403);
    assert.match(page.body, /data-reason="role"/);
    assert.equal(agent.cookie('admin'), undefined);
    const api = await agent.request(`${stack.issuer}/admin/api/users`);
    assert.equal(api.status, 401);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.signin_denied', userId: ids.manager, 'details.reason': 'role' }));
  });

  it('another store\'s admin gets 403 for this store\'s user ids and never sees its users', async () => {
    oscarAgent = new Agent();
    const agent = oscarAgent;
    const { page } = await signInToAdmin(agent, 'butcher', 'oscar', PW.other);
    assert.equal(page.status, 200);
    const csrf = csrfOf(page.body);
    assert.equal((await get(agent, `/admin/users/${ids.casey}`)).status, 403);
    assert.equal((await get(agent, `/admin/users/${ids.casey}/mfa/reset`)).status, 403);
    assert.equal((await get(agent, `/admin/api/users/${ids.casey}`)).status, 403);
    const reset = await apiPost(agent, `/admin/api/users/${ids.casey}/mfa/reset`, { password: PW.other, confirm: true }, csrf);
    assert.equal(reset.status, 403);
    const deactivate = await agent.request(`${stack.issuer}/admin/users/${ids.casey}/deactivate`, { form: { csrf } });
    assert.equal(deactivate.status, 403);
    assert.equal((await user(ids.casey))!.mfaEnabled, true, 'nothing changed');
    assert.equal((await user(ids.casey))!.active, true);
    const list = JSON.parse((await get(agent, '/admin/api/users')).body) as { users: Array<{ username: string }> };
    assert.deepEqual(list.users.map((u) => u.username).sort(), ['oscar', 'otto']);
    const audit = JSON.parse((await get(agent, '/admin/api/audit')).body) as { events: Array<{ user_id: string | null }> };
    assert.ok(audit.events.length > 0);
    assert.ok(audit.events.every((e) => e.user_id !== ids.casey && e.user_id !== ids.admin), 'only its own store\'s events');
  });

  it('a POST without the session\'s CSRF token fails and changes nothing (checklist 60)', async () => {
    const noToken = await adminAgent.request(`${stack.issuer}/admin/users/${ids.dan}/deactivate`, { method: 'POST', form: {} });
    assert.equal(noToken.status, 403);
    const wrongToken = await adminAgent.request(`${stack.issuer}/admin/users/${ids.dan}/deactivate`, { form: { csrf: 'x'.repeat(43) } });
    assert.equal(wrongToken.status, 403);
    const api = await apiPost(adminAgent, `/admin/api/users/${ids.dan}/deactivate`, {});
    assert.equal(api.status, 403);
    assert.equal(((await api.json()) as { error: string }).error, 'csrf');
    const policy = await apiPost(adminAgent, '/admin/api/policy', { requireForEveryone: true });
    assert.equal(policy.status, 403);
    assert.equal((await user(ids.dan))!.active, true);
    const store = await stack.services.users.storeById(storeId);
    assert.equal(store!.policy.requireForEveryone, false);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.csrf_rejected', userId: ids.admin }));
  });

  it('the JSON API lists users with role and MFA status, searches, and hands out the CSRF token', async () => {
    const session = JSON.parse((await get(adminAgent, '/admin/api/session')).body) as { csrfToken: string; user: { username: string }; store: { prefix: string } };
    assert.equal(session.csrfToken, adminCsrf);
    assert.equal(session.user.username, 'adam');
    assert.equal(session.store.prefix, 'bakery');
    const res = await get(adminAgent, '/admin/api/users');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    const body = JSON.parse(res.body) as { total: number; users: Array<{ username: string; role: string; mfa: { status: string; required: boolean } }> };
    const by = Object.fromEntries(body.users.map((u) => [u.username, u]));
    assert.equal(body.total, 7);
    assert.equal(by.olga!.mfa.status, 'active');
    assert.equal(by.olga!.role, 'owner');
    assert.equal(by.adam!.mfa.status, 'active');
    assert.equal(by.carl!.mfa.status, 'optional');
    assert.equal(by.carl!.mfa.required, false);
    assert.equal(by.casey!.mfa.status, 'active');
    assert.ok(body.users.every((u) => !('passwordHash' in u) && !JSON.stringify(u).includes('secret')), 'never a hash or a secret (checklist 61)');
    const search = JSON.parse((await get(adminAgent, '/admin/api/users?q=CAS')).body) as { users: Array<{ username: string }> };
    assert.deepEqual(search.users.map((u) => u.username), ['casey']);
    const cashiers = JSON.parse((await get(adminAgent, '/admin/api/users?role=cashier&mfa=active')).body) as { users: Array<{ username: string }> };
    assert.deepEqual(cashiers.users.map((u) => u.username), ['casey', 'rita']);
    const page = await get(adminAgent, '/admin/users?q=casey');
    assert.match(page.body, /data-user="casey"/);
    assert.doesNotMatch(page.body, /data-user="carl"/);
  });

  it('creates a user: password rules apply, a new admin shows "required, not set up", never a second owner', async () => {
    const form = await get(adminAgent, '/admin/users/new');
    assert.equal(form.status, 200);
    const short = await submit(adminAgent, form, { username: 'nina', name: 'Nina New', email: '', role: 'cashier', password: 'short', password_confirm: 'short' }, { match: 'action="/admin/users"' });
    assert.equal(short.status, 400);
    const created = await submit(
      adminAgent,
      form,
      { username: 'nina', name: 'Nina New', email: 'nina@example.test', role: 'admin', password: 'nina passphrase 2026', password_confirm: 'nina passphrase 2026' },
      { match: 'action="/admin/users"' },
    );
    assert.equal(created.status, 200);
    assert.match(created.body, /class="access-pass"><code[^>]*>[A-Z2-9]{4}(-[A-Z2-9]{4}){3}</, 'B17: the new user\'s enrolment pass is shown once');
    const userPage = await get(adminAgent, created.body.match(/href="(\/admin\/users\/[0-9a-f]{24})"/)![1]);
    assert.match(userPage.body, /data-mfa-status="required"/);
    const nina = await stack.services.users.byUsername(storeId, 'nina');
    assert.equal(nina!.role, 'admin');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.user_created', userId: nina!.id, actorId: ids.admin }));
    const taken = await apiPost(adminAgent, '/admin/api/users', { username: 'nina', name: 'X', role: 'cashier', password: 'another passphrase 1' }, adminCsrf);
    assert.equal(taken.status, 409);
    const owner = await apiPost(adminAgent, '/admin/api/users', { username: 'boss', name: 'X', role: 'owner', password: 'another passphrase 1' }, adminCsrf);
    assert.equal(owner.status, 400, 'there is exactly one owner per store');
  });

  it('a user created by an admin replaces the admin-chosen password at the first sign-in (checklist 61)', async () => {
    const created = await apiPost(adminAgent, '/admin/api/users', { username: 'otto', name: 'Otto New', role: 'cashier', password: 'temporary passphrase 7' }, adminCsrf);
    assert.equal(created.status, 201);
    const agent = new Agent();
    const { flow, page } = await posSignIn(agent, 'otto', 'temporary passphrase 7');
    assert.match(page.body, /name="new_password"/, 'the own-password page comes first');
    const same = await submit(agent, page, { new_password: 'short', confirm_password: 'short' });
    assert.equal(same.status, 400);
    const done = await submit(agent, same, { new_password: 'otto own passphrase', confirm_password: 'otto own passphrase' }, { stopAt: flow.redirect });
    assert.ok(done.url.startsWith(flow.redirect));
    const otto = await stack.services.users.byUsername(storeId, 'otto');
    assert.equal(otto!.mustChangePassword, false);
    assert.equal(await stack.services.passwords.verifyUser(otto!.id, 'temporary passphrase 7'), false);
    assert.ok(stack.notifications.some((n) => n.type === 'password_changed' && n.userId === otto!.id));
  });

  it('resets a cashier\'s MFA end to end: confirmation, own password, sessions ended, must enrol at next sign-in (S11, checklist 62-65)', async () => {
    // the cashier has a live provider session and a remembered device
    const cashier = new Agent();
    const first = await posSignIn(cashier, 'casey', PW.cashier);
    const signedIn = await submit(cashier, first.page, { code: await apps.casey!.code(), remember: '1' }, { stopAt: first.flow.redirect });
    await redeem(first.flow, signedIn.url);
    assert.ok((await stack.db.models.OidcPayload.countDocuments({ accountId: ids.casey })) > 0);
    assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId: ids.casey }), 1);

    const detail = await get(adminAgent, `/admin/users/${ids.casey}`);
    assert.match(detail.body, /data-action="reset-mfa"/);
    const confirm = await adminAgent.follow(`${stack.issuer}/admin/users/${ids.casey}/mfa/reset`);
    assert.equal(confirm.status, 200);
    assert.match(textOf(confirm.body), /You are about to reset multi-factor authentication for casey name/);
    assert.match(textOf(confirm.body), /They get an email about this change\./);
    const wrong = await submit(adminAgent, confirm, { confirm: 'yes', password: 'not my password' }, { match: '/mfa/reset' });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.body), /Incorrect password/);
    const unconfirmed = await submit(adminAgent, wrong, { password: PW.admin }, { match: '/mfa/reset' });
    assert.equal(unconfirmed.status, 400);
    assert.equal((await user(ids.casey))!.mfaEnabled, true, 'nothing changed yet');

    const done = await submit(adminAgent, unconfirmed, { confirm: 'yes', password: PW.admin }, { match: '/mfa/reset' });
    assert.equal(done.status, 200);
    assert.match(textOf(done.body), /has been reset/);
    const after = (await user(ids.casey))!;
    assert.equal(after.mfaEnabled, false);
    assert.equal(after.mustEnrol, true);
    assert.equal(await stack.db.models.RememberedDevice.countDocuments({ userId: ids.casey }), 0);
    assert.equal(await stack.db.models.OidcPayload.countDocuments({ accountId: ids.casey }), 0, 'sessions, grants and tokens are gone (checklist 64)');
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_reset' && n.userId === ids.casey && n.actorId === ids.admin));
    const event = await stack.db.models.AuditEvent.findOne({ type: 'mfa.reset_by_admin', userId: ids.casey }).lean();
    assert.equal(String(event!.actorId), ids.admin);
    assert.ok(event!.ip, 'the source address is recorded (checklist 65)');

    // next sign-in: password, then the temporary access pass (B17), then the enrolment wizard (new secret, new codes)
    const again = await posSignIn(new Agent(), 'casey', PW.cashier);
    assert.match(again.page.body, /name="pass"/, 'after a reset the password alone never enrols');
    const wizard = await submit(again.agent, again.page, { pass: await stack.accessPass(ids.casey) });
    assert.match(wizard.body, /name="stage" value="begin"/);
  });

  it('removes a cashier\'s MFA: afterwards the password alone signs in (S11, S13)', async () => {
    // issue 13: rita has no address of her own, so the page says who gets the email
    await stack.db.models.User.updateOne({ _id: ids.rita }, { $set: { email: null } });
    const page = await adminAgent.follow(`${stack.issuer}/admin/users/${ids.rita}/mfa/remove`);
    assert.match(textOf(page.body), /They have no email address: the account owner gets the email about this change\./);
    assert.doesNotMatch(textOf(page.body), /They get an email about this change/);
    const res = await apiPost(adminAgent, `/admin/api/users/${ids.rita}/mfa/remove`, { password: PW.admin }, adminCsrf);
    assert.equal(res.status, 400, 'the identity check must be confirmed');
    const ok = await apiPost(adminAgent, `/admin/api/users/${ids.rita}/mfa/remove`, { password: PW.admin, confirm: true }, adminCsrf);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { user: { mfa: { status: string; enabled: boolean } } };
    assert.equal(body.user.mfa.status, 'optional');
    const rita = (await user(ids.rita))!;
    assert.equal(rita.mfaEnabled, false);
    assert.equal(rita.mustEnrol, false);
    assert.ok(stack.notifications.some((n) => n.type === 'mfa_removed' && n.userId === ids.rita));
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'mfa.removed', userId: ids.rita, actorId: ids.admin }));
    const signIn = await posSignIn(new Agent(), 'rita', PW.cashier);
    assert.ok(signIn.done, 'no code is asked any more');
    const again = await apiPost(adminAgent, `/admin/api/users/${ids.rita}/mfa/remove`, { password: PW.admin, confirm: true }, adminCsrf);
    assert.equal(again.status, 409);
    // issue 13: with nothing left to reset or remove, the user page offers neither
    const detail = await get(adminAgent, `/admin/users/${ids.rita}`);
    assert.doesNotMatch(detail.body, /data-action="(?:reset|remove)-mfa"/);
  });

  it('an admin cannot reset or remove the owner\'s MFA, nor their own; the owner can do an admin\'s (S11)', async () => {
    assert.equal((await get(adminAgent, `/admin/users/${ids.owner}/mfa/remove`)).status, 403);
    const remove = await apiPost(adminAgent, `/admin/api/users/${ids.owner}/mfa/remove`, { password: PW.admin, confirm: true }, adminCsrf);
    assert.equal(remove.status, 403);
    assert.equal(((await remove.json()) as { error: string }).error, 'owner_protected');
    const reset = await apiPost(adminAgent, `/admin/api/users/${ids.owner}/mfa/reset`, { password: PW.admin, confirm: true }, adminCsrf);
    assert.equal(reset.status, 403);
    const role = await apiPost(adminAgent, `/admin/api/users/${ids.owner}/role`, { role: 'cashier' }, adminCsrf);
    assert.equal(role.status, 403);
    const deactivate = await apiPost(adminAgent, `/admin/api/users/${ids.owner}/deactivate`, {}, adminCsrf);
    assert.equal(deactivate.status, 403);
    assert.equal((await user(ids.owner))!.mfaEnabled, true);
    assert.equal((await user(ids.owner))!.active, true);
    const own = await apiPost(adminAgent, `/admin/api/users/${ids.admin}/mfa/remove`, { password: PW.admin, confirm: true }, adminCsrf);
    assert.equal(own.status, 403);
    assert.equal(((await own.json()) as { error: string }).error, 'self');
    const detail = await get(adminAgent, `/admin/users/${ids.owner}`);
    assert.equal(detail.status, 200);
    assert.doesNotMatch(detail.body, /data-action="(reset|remove)-mfa"/);

    ownerAgent = new Agent();
    const owner = ownerAgent;
    const { page } = await signInToAdmin(owner, 'bakery', 'olga', PW.owner, apps.owner);
    assert.equal(page.status, 200);
    const ownerDetail = await get(owner, `/admin/users/${ids.manager}`);
    assert.match(ownerDetail.body, /data-action="remove-mfa"/);
    const ownerRemove = await apiPost(owner, `/admin/api/users/${ids.manager}/mfa/remove`, { password: PW.owner, confirm: true }, csrfOf(page.body));
    assert.equal(ownerRemove.status, 200);
    assert.equal((await user(ids.manager))!.mfaEnabled, false);
  });

  it('a policy change applies at the next sign-in; admins stay required (S1, S5, D5)', async () => {
    const before = await posSignIn(new Agent(), 'carl', PW.cashier);
    assert.ok(before.done, 'a cashier signs in with the password alone');

    const page = await get(adminAgent, '/admin/policy');
    assert.equal(page.status, 200);
    assert.match(page.body, /data-au-xero="inactive"/);
    const saved = await submit(adminAgent, page, { requireForEveryone: 'on', rememberDeviceAllowed: 'on', rememberDeviceDays: '7' }, { match: 'action="/admin/policy"' });
    assert.equal(saved.status, 200);
    assert.match(textOf(saved.body), /policy has been saved/);
    const store = (await stack.services.users.storeById(storeId))!;
    assert.deepEqual(store.policy, { requireForManagers: false, requireForEveryone: true, rememberDeviceAllowed: true, rememberDeviceDays: 7, passwordEnrolmentUntil: null, sessionIdleMinutes: 60, sessionAbsoluteHours: 12, managerMfaBy: null, cashierMfaBy: null, timeZone: null });
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.policy_changed', storeId, actorId: ids.admin }));

    const afterChange = await posSignIn(new Agent(), 'carl', PW.cashier);
    assert.match(afterChange.page.body, /name="pass"/, 'a cashier without MFA now must enrol, with a pass (B17)');
    const list = JSON.parse((await get(adminAgent, '/admin/api/users?q=carl')).body) as { users: Array<{ mfa: { status: string } }> };
    assert.equal(list.users[0]!.mfa.status, 'required');

    const off = await apiPost(adminAgent, '/admin/api/policy', { requireForAdmins: false }, adminCsrf);
    assert.equal(off.status, 400);
    assert.equal(((await off.json()) as { error: string }).error, 'admins_always_required');
    const days = await apiPost(adminAgent, '/admin/api/policy', { rememberDeviceDays: 91 }, adminCsrf);
    assert.equal(days.status, 400);
    const injected = await apiPost(adminAgent, '/admin/api/policy', { requireForEveryone: { $ne: null } }, adminCsrf);
    assert.equal(injected.status, 400, 'only scalars (checklist 85)');
    const back = await apiPost(adminAgent, '/admin/api/policy', { requireForEveryone: false }, adminCsrf);
    assert.equal(back.status, 200);
    const json = (await back.json()) as { policy: Record<string, unknown>; adminsRequired: boolean; auXero: { active: boolean } };
    assert.equal(json.policy.requireForEveryone, false);
    assert.equal(json.policy.requireForAdmins, true);
    assert.equal(json.policy.rememberDeviceDays, 7, 'fields left out keep their value');

    await stack.db.models.StoreAccount.updateOne({ _id: storeId }, { $set: { country: 'AU', integrations: ['xero'] } });
    const au = await get(adminAgent, '/admin/policy');
    assert.match(au.body, /data-au-xero="active"/);
    const auJson = JSON.parse((await get(adminAgent, '/admin/api/policy')).body) as { auXero: { active: boolean } };
    assert.equal(auJson.auXero.active, true);
  });

  it('admins see a user\'s sessions and end one or all of them (B15)', async () => {
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
    for (const agent of [new Agent({ 'user-agent': firefox }), new Agent()]) {
      const signIn = await posSignIn(agent, 'dan', PW.cashier);
      assert.ok(signIn.done);
    }
    const page = await get(adminAgent, `/admin/users/${ids.dan}`);
    assert.equal(page.status, 200);
    const section = page.body.slice(page.body.indexOf('id="sessions-heading"'), page.body.indexOf('id="devices-heading"'));
    assert.match(textOf(section), /Firefox on Windows Address This computer/);
    const listed = JSON.parse((await get(adminAgent, `/admin/api/users/${ids.dan}/sessions`)).body) as { sessions: Array<{ id: string; browser: string | null }> };
    assert.equal(listed.sessions.length, 2);

    const one = formOf(section, '/sessions/end');
    const ended = await adminAgent.request(`${stack.issuer}/admin/users/${ids.dan}/sessions/end`, { form: one.fields });
    assert.equal(ended.status, 303);
    const after = JSON.parse((await get(adminAgent, `/admin/api/users/${ids.dan}/sessions`)).body) as { sessions: Array<{ id: string }> };
    assert.equal(after.sessions.length, 1);
    assert.ok(!after.sessions.some((x) => x.id === one.fields.session));
    const unknown = await apiPost(adminAgent, `/admin/api/users/${ids.dan}/sessions/end`, { session: 'no-such-session' }, adminCsrf);
    assert.equal(unknown.status, 404);
    const all = await apiPost(adminAgent, `/admin/api/users/${ids.dan}/sessions/end`, { session: 'all' }, adminCsrf);
    assert.equal(all.status, 200);
    assert.equal(JSON.parse((await get(adminAgent, `/admin/api/users/${ids.dan}/sessions`)).body).sessions.length, 0);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.sessions_ended', userId: ids.dan, actorId: ids.admin, 'details.reason': 'admin_all' }));
    const own = await apiPost(adminAgent, `/admin/api/users/${ids.admin}/sessions/end`, { session: 'all' }, adminCsrf);
    assert.equal(own.status, 403, 'an admin\'s own sessions are ended on the account page');
  });

  it('session timeouts are store policy within their bounds (B15, checklist 57)', async () => {
    const idle = await apiPost(adminAgent, '/admin/api/policy', { sessionIdleMinutes: 61 }, adminCsrf);
    assert.equal(idle.status, 400);
    assert.equal(((await idle.json()) as { error: string }).error, 'session_idle_range');
    const absolute = await apiPost(adminAgent, '/admin/api/policy', { sessionAbsoluteHours: 25 }, adminCsrf);
    assert.equal(((await absolute.json()) as { error: string }).error, 'session_absolute_range');
    const page = await get(adminAgent, '/admin/policy');
    const refused = await submit(adminAgent, page, { rememberDeviceAllowed: 'on', rememberDeviceDays: '7', sessionIdleMinutes: '2', sessionAbsoluteHours: '12' }, { match: 'action="/admin/policy"' });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.body), /Choose a number of minutes from 5 to 60/);
    const saved = await apiPost(adminAgent, '/admin/api/policy', { sessionIdleMinutes: 15, sessionAbsoluteHours: 8 }, adminCsrf);
    assert.equal(saved.status, 200);
    const store = (await stack.services.users.storeById(storeId))!;
    assert.equal(store.policy.sessionIdleMinutes, 15);
    assert.equal(store.policy.sessionAbsoluteHours, 8);
    await apiPost(adminAgent, '/admin/api/policy', { sessionIdleMinutes: 60, sessionAbsoluteHours: 12 }, adminCsrf);
  });

  it('deactivating ends the user\'s sessions and refresh tokens; they can no longer sign in (checklist 59)', async () => {
    const dan = new Agent();
    const signIn = await posSignIn(dan, 'dan', PW.cashier);
    assert.ok(signIn.done);
    await redeem(signIn.flow, signIn.page.url);
    assert.ok((await stack.db.models.OidcPayload.countDocuments({ accountId: ids.dan })) > 0);
    const res = await adminAgent.request(`${stack.issuer}/admin/users/${ids.dan}/deactivate`, { form: { csrf: adminCsrf } });
    assert.equal(res.status, 303);
    assert.equal((await user(ids.dan))!.active, false);
    assert.equal(await stack.db.models.OidcPayload.countDocuments({ accountId: ids.dan }), 0);
    const again = await posSignIn(new Agent(), 'dan', PW.cashier);
    assert.match(textOf(again.page.body), /Incorrect username or password/);
  });

  it('changes a role, but never to or from owner', async () => {
    const res = await adminAgent.request(`${stack.issuer}/admin/users/${ids.carl}/role`, { form: { csrf: adminCsrf, role: 'manager' } });
    assert.equal(res.status, 303);
    assert.equal((await user(ids.carl))!.role, 'manager');
    const owner = await apiPost(adminAgent, `/admin/api/users/${ids.carl}/role`, { role: 'owner' }, adminCsrf);
    assert.equal(owner.status, 403);
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.user_role_changed', userId: ids.carl, 'details.to': 'manager' }));
  });

  it('exports the audit log as CSV and JSON lines with the page\'s filters; formula cells are neutralised (B5)', async () => {
    const formula = '=HYPERLINK("http://evil.example","click")\nrow two';
    await stack.services.audit.record({ type: 'test.export', storeId, userId: ids.casey, ip: '+31 20 123', userAgent: formula, details: { note: '-1,"quoted"\nsecond line', at: '@sum' } });
    await stack.services.audit.record({ type: 'test.export', storeId: otherStoreId, userId: ids.otto, userAgent: 'other store' });

    const csv = await get(adminAgent, '/admin/audit.csv?type=test.');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="audit-bakery-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.match(csv.headers.get('cache-control') ?? '', /no-store/);
    assert.doesNotMatch(csv.body, /other store/, 'only this store\'s events');
    const rows = parseCsv(csv.body);
    assert.deepEqual(rows[0], ['at', 'type', 'user_id', 'username', 'actor_id', 'actor', 'ip', 'user_agent', 'details', 'id', 'sentence']);
    assert.equal(rows.length, 2, 'one event: the line break stayed inside its quoted cell');
    const [at, type, userId, username, actorId, actor, ip, agent, details] = rows[1]!;
    assert.ok(!Number.isNaN(Date.parse(at!)));
    assert.deepEqual([type, userId, username, actorId, actor], ['test.export', ids.casey, 'casey', '', '']);
    assert.equal(ip, "'+31 20 123", 'a cell starting with + is neutralised');
    assert.equal(agent, `'${formula}`, 'a formula is neutralised with a leading quote; quotes and line breaks survive');
    assert.deepEqual(JSON.parse(details!), { note: '-1,"quoted"\nsecond line', at: '@sum' });
    assert.match(csv.body, /"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\)\nrow two"/, 'quotes doubled inside a quoted cell');

    const jsonl = await get(adminAgent, '/admin/audit.jsonl?type=test.export&user=casey');
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get('content-disposition') ?? '', /attachment; filename="audit-bakery-.*\.jsonl"/);
    const events = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'test.export');
    assert.equal(events[0]!.username, 'casey');
    assert.equal(events[0]!.user_agent, formula, 'JSON lines keep the exact value');
    assert.deepEqual(events[0]!.details, { note: '-1,"quoted"\nsecond line', at: '@sum' });

    const mfa = await get(adminAgent, `/admin/audit.jsonl?user=casey&type=mfa.`);
    const types = mfa.body.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    assert.ok(types.includes('mfa.reset_by_admin'));
    assert.ok(types.every((t) => t.startsWith('mfa.')));

    const future = await get(adminAgent, '/admin/audit.jsonl?from=2999-01-01');
    assert.equal(future.body, '');
    const bad = await get(adminAgent, '/admin/audit?from=yesterday');
    assert.equal(bad.status, 400);
    const page = await get(adminAgent, '/admin/audit?type=test.export');
    assert.match(textOf(page.body), /Other: an event concerning cashier casey name/, 'a type without a sentence of its own: a generic one');
    assert.match(page.body, /href="\/admin\/audit\.csv\?type(=|&#x3D;)test\.export"/, 'the export links carry the filters');
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.audit_exported', actorId: ids.admin, 'details.format': 'csv' }));
  });

  it('an expired or demoted admin session stops working (idle limit checked in the query)', async () => {
    const agent = ownerAgent;
    assert.equal((await get(agent, '/admin/users')).status, 200);
    await stack.db.models.AdminSession.updateMany({ userId: ids.owner, kind: 'session' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await get(agent, '/admin/users');
    assert.equal(res.status, 302);
    assert.match(res.headers.get('location') ?? '', /^\/admin\/login/);

    await stack.db.models.User.updateOne({ _id: ids.admin }, { $set: { role: 'manager' } });
    const demoted = await get(adminAgent, '/admin/api/users');
    assert.equal(demoted.status, 403);
    await stack.db.models.User.updateOne({ _id: ids.admin }, { $set: { role: 'admin' } });
    assert.equal((await get(adminAgent, '/admin/api/users')).status, 401, 'the refused session was ended');
  });

  it('signing out ends the console session and hands over to the provider\'s logout', async () => {
    const agent = oscarAgent;
    const page = await get(agent, '/admin');
    assert.equal(page.status, 200);
    const form = formOf(page.body, '/admin/logout');
    const res = await agent.request(`${stack.issuer}/admin/logout`, { form: form.fields });
    assert.equal(res.status, 303);
    const to = new URL(res.headers.get('location')!);
    assert.equal(to.pathname, '/session/end');
    assert.equal(to.searchParams.get('client_id'), 'admin-console');
    assert.equal((await get(agent, '/admin/api/users')).status, 401);
  });
});

