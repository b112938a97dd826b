// The admin console's HTML pages: overview, users (list, create, detail, role, (de)activate, MFA reset/removal, devices), policy.
import type Router from '@koa/router';
import type Koa from 'koa';
import { ASSIGNABLE_ROLES, REMEMBER_DAYS, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES, type AdminUserSummary, type Outcome } from '../services/admin/index.js';
import { mfaChange, newUser, policyChange, policyInputError, roleChange, userListQuery } from './input.js';
import { languageChoiceOf } from '../http/language-choice.js';
import { MUST_SET_UP } from '../services/policy/standing.js';
import { ROLES } from '../services/roles.js';
import { adminOf, errorKey, statusOf, type AdminKit } from './kit.js';
import { sessionRows } from '../http/session-rows.js';
import { dateTime, deviceRow, passRow, pager, policyView, roleLabel, userRow } from './views.js';
import { factors } from '../../factors/index.js';

const PAGE_SIZE = 25;
const OVERVIEW_MAX = 5000;
const NOTICES = new Set(['created', 'role', 'deactivated', 'reactivated', 'reset', 'removed', 'devices', 'unlocked', 'pass_revoked', 'policy', 'language', 'sessions']);

export function registerPages(router: Router, kit: AdminKit): void {
  const { admin, body, services } = kit;
  const authed = kit.authenticate('page');

  const noticeOf = (ctx: Koa.Context) => {
    const done = typeof ctx.query.done === 'string' && NOTICES.has(ctx.query.done) ? ctx.query.done : undefined;
    return done ? adminOf(ctx).t(`admin.notice.${done}`) : undefined;
  };
  const errorText = (ctx: Koa.Context, error: string) => adminOf(ctx).t(errorKey(error));
  const seeOther = (ctx: Koa.Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };
  // A refusal by the rules (or an id that is not in the admin's store) is a page of its own.
  const refused = (ctx: Koa.Context, error: string) =>
    kit.show(ctx, 'error', 'users', { title: adminOf(ctx).t('admin.errors.title'), message: errorText(ctx, error), backUrl: '/admin/users' }, statusOf(error));
  const after = (ctx: Koa.Context, outcome: Outcome<unknown>, userId: string, done: string) =>
    outcome.ok ? seeOther(ctx, `/admin/users/${userId}?done=${done}`) : refused(ctx, outcome.error);

  router.get('/', authed, async (ctx) => {
    const a = adminOf(ctx);
    const all = await admin.users.list(a.actor, { page: 1, pageSize: OVERVIEW_MAX });
    const policy = await admin.policy.view(a.actor);
    const count = (f: (u: AdminUserSummary) => boolean) => all.users.filter(f).length;
    kit.show(ctx, 'admin', 'overview', {
      notice: noticeOf(ctx),
      counts: {
        users: all.total,
        active: count((u) => u.mfaStatus === 'active'),
        missing: count((u) => u.active && MUST_SET_UP.has(u.mfaStatus)),
        deactivated: count((u) => !u.active),
      },
      attention: all.users.filter((u) => u.active && MUST_SET_UP.has(u.mfaStatus)).slice(0, 10).map((u) => userRow(a.t, a.locale, u)),
      policy: policyView(policy),
    });
  });

  router.get('/users', authed, async (ctx) => {
    const a = adminOf(ctx);
    const q = userListQuery.safeParse(ctx.query);
    const filters = q.success ? q.data : { q: undefined, role: undefined, mfa: undefined, page: 1 };
    const list = await admin.users.list(a.actor, { search: filters.q, role: filters.role, mfa: filters.mfa, page: filters.page, pageSize: PAGE_SIZE });
    const params = { q: filters.q, role: filters.role, mfa: filters.mfa };
    kit.show(ctx, 'admin-users', 'users', {
      users: list.users.map((u) => userRow(a.t, a.locale, u)),
      total: list.total,
      filters: params,
      filtered: Boolean(filters.q || filters.role || filters.mfa),
      roles: ROLES.map((r) => ({ value: r, label: roleLabel(a.t, r), selected: r === filters.role })),
      pager: pager('/admin/users', params, list.page, list.pages),
    });
  });

  const newUserForm = (ctx: Koa.Context, values: Record<string, unknown>, error?: string) => {
    const a = adminOf(ctx);
    kit.show(
      ctx,
      'admin-user-new',
      'users',
      {
        values,
        roles: ASSIGNABLE_ROLES.map((r) => ({ value: r, label: roleLabel(a.t, r), selected: r === (values.role ?? 'cashier') })),
        error: error ? errorText(ctx, error) : undefined,
      },
      error ? statusOf(error) : 200,
    );
  };

  router.get('/users/new', authed, (ctx) => newUserForm(ctx, {}));

  router.post('/users', authed, async (ctx) => {
    const raw = body(ctx);
    const parsed = newUser.safeParse(raw);
    const echo = { username: raw.username, name: raw.name, email: raw.email, role: raw.role };
    if (!parsed.success) return newUserForm(ctx, echo, 'invalid_input');
    const d = parsed.data;
    if (d.password !== d.password_confirm) return newUserForm(ctx, echo, 'password_mismatch');
    const outcome = await admin.users.create(adminOf(ctx).actor, { username: d.username, name: d.name, email: d.email || null, role: d.role, password: d.password });
    if (!outcome.ok) return newUserForm(ctx, echo, outcome.error);
    // a new user's first authenticator needs a pass (B17): made now, shown on this page only
    await showPass(ctx, outcome.value.id, 'new_user');
  });

  // The one page a temporary access pass is ever shown on (B17).
  async function showPass(ctx: Koa.Context, userId: string, reason: 'new_user' | 'reset' | 'request') {
    const a = adminOf(ctx);
    const issued = await admin.users.issuePass(a.actor, userId, reason);
    if (!issued.ok) return refused(ctx, issued.error);
    kit.show(ctx, 'admin-pass', 'users', {
      user: userRow(a.t, a.locale, issued.value.user),
      pass: issued.value.pass,
      expiresAt: dateTime(a.locale, issued.value.expiresAt),
      reason,
    });
  }

  router.post('/users/:id/passes', authed, (ctx) => showPass(ctx, ctx.params.id, 'request'));
  router.post('/users/:id/passes/:passId/revoke', authed, async (ctx) => {
    after(ctx, await admin.users.revokePass(adminOf(ctx).actor, ctx.params.id, ctx.params.passId), ctx.params.id, 'pass_revoked');
  });

  router.get('/users/:id', authed, async (ctx) => {
    const a = adminOf(ctx);
    const outcome = await admin.users.get(a.actor, ctx.params.id);
    if (!outcome.ok) return refused(ctx, outcome.error);
    const { user, devices, passes } = outcome.value;
    const allowed = admin.users.allowed(a.actor, user);
    const sessions = await admin.sessions.list(a.actor, user.id);
    const listed = sessions.ok ? sessions.value : [];
    const names = new Map<string, string | undefined>();
    for (const id of new Set(listed.flatMap((x) => x.clientIds))) names.set(id, await kit.clientName(id));
    // each factor the user has may show more of itself (factors/<id>: admin)
    const factorSections = [];
    for (const factor of factors) if (factor.admin && factor.enrolled(user)) factorSections.push({ partial: factor.admin.partial, view: await factor.admin.view(user, services) });
    kit.show(ctx, 'admin-user', 'users', {
      notice: noticeOf(ctx),
      user: userRow(a.t, a.locale, user),
      factorSections,
      devices: devices.map((d) => deviceRow(a.t, a.locale, d)),
      passes: passes.map((p) => passRow(a.t, a.locale, p)),
      sessions: sessionRows(a.t, a.locale, listed, (id) => names.get(id)),
      allowed,
      isSelf: user.id === a.user.id,
      ownerProtected: user.role === 'owner' && a.user.role !== 'owner',
      language: languageChoiceOf(user.locale, user.localeChosen),
      storeLanguage: a.t(`language.names.${a.store.locale}`),
      languageAction: `/admin/users/${user.id}/language`,
      roles: ASSIGNABLE_ROLES.map((r) => ({ value: r, label: roleLabel(a.t, r), selected: r === user.role })),
    });
  });

  router.post('/users/:id/role', authed, async (ctx) => {
    const parsed = roleChange.safeParse({ role: body(ctx).role });
    if (!parsed.success) return refused(ctx, 'invalid_role');
    after(ctx, await admin.users.changeRole(adminOf(ctx).actor, ctx.params.id, parsed.data.role), ctx.params.id, 'role');
  });

  for (const [path, active] of [['deactivate', false], ['reactivate', true]] as const) {
    router.post(`/users/:id/${path}`, authed, async (ctx) => {
      after(ctx, await admin.users.setActive(adminOf(ctx).actor, ctx.params.id, active), ctx.params.id, active ? 'reactivated' : 'deactivated');
    });
  }

  // Reset / remove another user's MFA: a page that says what happens, the identity check, the admin's own password (S11).
  for (const mode of ['reset', 'remove'] as const) {
    const confirmPage = async (ctx: Koa.Context, error?: string) => {
      const a = adminOf(ctx);
      const found = await admin.users.get(a.actor, ctx.params.id);
      if (!found.ok) return refused(ctx, found.error);
      const may = admin.users.allowed(a.actor, found.value.user);
      if (!(mode === 'reset' ? may.reset_mfa : may.remove_mfa)) {
        const denial = found.value.user.id === a.user.id ? 'self' : found.value.user.role === 'owner' && a.user.role !== 'owner' ? 'owner_protected' : 'mfa_not_active';
        return refused(ctx, denial);
      }
      kit.show(
        ctx,
        'admin-mfa',
        'users',
        { stage: mode, user: userRow(a.t, a.locale, found.value.user), action: `/admin/users/${found.value.user.id}/mfa/${mode}`, error: error ? errorText(ctx, error) : undefined },
        error ? statusOf(error) : 200,
      );
    };
    router.get(`/users/:id/mfa/${mode}`, authed, (ctx) => confirmPage(ctx));
    router.post(`/users/:id/mfa/${mode}`, authed, async (ctx) => {
      const parsed = mfaChange.safeParse({ password: body(ctx).password, confirm: body(ctx).confirm });
      if (!parsed.success) return confirmPage(ctx, 'invalid_input');
      const args = { password: parsed.data.password, confirmed: parsed.data.confirm === true };
      const a = adminOf(ctx);
      const outcome = mode === 'reset' ? await admin.users.resetMfa(a.actor, ctx.params.id, args) : await admin.users.removeMfa(a.actor, ctx.params.id, args);
      if (!outcome.ok && ['password_wrong', 'not_confirmed', 'too_many'].includes(outcome.error)) return confirmPage(ctx, outcome.error);
      // after a reset the user enrols again, and that needs a pass (B17): shown now
      if (outcome.ok && mode === 'reset') return showPass(ctx, ctx.params.id, 'reset');
      after(ctx, outcome, ctx.params.id, mode === 'reset' ? 'reset' : 'removed');
    });
  }

  router.post('/users/:id/unlock', authed, async (ctx) => {
    after(ctx, await admin.users.unlockSignIn(adminOf(ctx).actor, ctx.params.id), ctx.params.id, 'unlocked');
  });

  // B15: end one of the user's sessions, or all of them; their clients are told by back-channel logout (B16)
  router.post('/users/:id/sessions/end', authed, async (ctx) => {
    const which = body(ctx).session;
    if (typeof which !== 'string' || !which || which.length > 100) return refused(ctx, 'invalid_input');
    after(ctx, await admin.sessions.end(adminOf(ctx).actor, ctx.params.id, which), ctx.params.id, 'sessions');
  });

  router.post('/users/:id/devices/revoke', authed, async (ctx) => {
    after(ctx, await admin.users.revokeDevices(adminOf(ctx).actor, ctx.params.id), ctx.params.id, 'devices');
  });

  const policyPage = async (ctx: Koa.Context, error?: string) => {
    const a = adminOf(ctx);
    const view = await admin.policy.view(a.actor);
    kit.show(
      ctx,
      'admin-policy',
      'policy',
      {
        notice: noticeOf(ctx),
        policy: policyView(view),
        days: REMEMBER_DAYS,
        idle: SESSION_IDLE_MINUTES,
        absolute: SESSION_ABSOLUTE_HOURS,
        language: languageChoiceOf(view.language.locale, view.language.chosen),
        countryLanguage: a.t(`language.names.${view.language.byCountry}`),
        error: error ? errorText(ctx, error) : undefined,
      },
      error ? statusOf(error) : 200,
    );
  };

  router.get('/policy', authed, (ctx) => policyPage(ctx));

  router.post('/policy', authed, async (ctx) => {
    const b = body(ctx);
    // an unticked checkbox sends nothing: on this form, absent means off
    const parsed = policyChange.safeParse({
      requireForManagers: b.requireForManagers ?? false,
      requireForEveryone: b.requireForEveryone ?? false,
      rememberDeviceAllowed: b.rememberDeviceAllowed ?? false,
      rememberDeviceDays: b.rememberDeviceDays,
      passwordEnrolmentUntil: b.passwordEnrolmentUntil ?? '',
      sessionIdleMinutes: b.sessionIdleMinutes,
      sessionAbsoluteHours: b.sessionAbsoluteHours,
      managerMfaBy: b.managerMfaBy ?? '',
      cashierMfaBy: b.cashierMfaBy ?? '',
    });
    if (!parsed.success) return policyPage(ctx, policyInputError(parsed.error.issues));
    const outcome = await admin.policy.update(adminOf(ctx).actor, parsed.data);
    if (!outcome.ok) return policyPage(ctx, outcome.error);
    seeOther(ctx, '/admin/policy?done=policy');
  });
}
