// The admin console's JSON API at /admin/api: same session cookie, x-csrf-token header on POST, same use cases as the pages.
import type Router from '@koa/router';
import type Koa from 'koa';
import type { AdminUserSummary, Outcome, PolicyView } from '../services/admin/index.js';
import type { DeviceRecord } from '../services/account/devices.js';
import { exportRow } from '../services/admin/audit-export.js';
import { auditQuery, cursorOf, mfaChange, newUser, policyChange, policyInputError, roleChange, userListQuery } from './input.js';
import { adminOf, errorKey, statusOf, type AdminKit } from './kit.js';

const PAGE_SIZE = 25;
const AUDIT_PAGE_SIZE = 50;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

const passJson = (v: { pass: string; expiresAt: Date }) => ({ pass: v.pass, expiresAt: v.expiresAt.toISOString() });

export const userJson = (u: AdminUserSummary) => ({
  id: u.id,
  username: u.username,
  name: u.name,
  email: u.email,
  role: u.role,
  active: u.active,
  mfa: {
    status: u.mfaStatus,
    enabled: u.mfaEnabled,
    mustEnrol: u.mustEnrol,
    required: u.mfaReasons.length > 0,
    deadline: u.mfaDeadline ?? null,
    reasons: u.mfaReasons,
    enrolledAt: iso(u.mfaEnrolledAt),
  },
  signInClosed: u.signInClosed,
  createdAt: iso(u.createdAt),
});

const deviceJson = (d: DeviceRecord) => ({
  id: d.id,
  createdAt: iso(d.createdAt),
  lastUsedAt: iso(d.lastUsedAt),
  expiresAt: iso(d.expiresAt),
  userAgent: d.userAgent,
  ip: d.ip,
});

const policyJson = (p: PolicyView) => ({ policy: { requireForAdmins: true, ...p.policy }, adminsRequired: true, auXero: p.auXero });

export function registerApi(router: Router, kit: AdminKit): void {
  const { admin, body } = kit;
  // the body (JSON or a form) was read by the shell (src/http/shell.ts): a bad one never gets here
  const authed = kit.authenticate('api');
  const post = [authed] as Koa.Middleware[];
  const state = adminOf;

  const fail = (ctx: Koa.Context, error: string) => {
    const locale = (ctx as { state: { admin?: { locale: 'en' | 'nl' } } }).state.admin?.locale ?? 'en';
    ctx.status = statusOf(error);
    ctx.body = { error, error_description: kit.render.t(locale, errorKey(error)) };
  };
  const reply = <T>(ctx: Koa.Context, outcome: Outcome<T>, shape: (v: T) => unknown, status = 200) => {
    if (!outcome.ok) return fail(ctx, outcome.error);
    ctx.status = status;
    ctx.body = shape(outcome.value);
  };
  const input = (ctx: Koa.Context) => {
    const { csrf: _csrf, ...rest } = body(ctx);
    return rest;
  };

  router.get('/api/session', authed, (ctx) => {
    const a = state(ctx);
    ctx.body = {
      user: { id: a.user.id, username: a.user.username, name: a.user.name, role: a.user.role },
      store: { id: a.store.id, prefix: a.store.prefix, name: a.store.name },
      csrfToken: a.session.csrf,
      expiresAt: a.session.expiresAt.toISOString(),
    };
  });

  router.get('/api/users', authed, async (ctx) => {
    const q = userListQuery.safeParse(ctx.query);
    if (!q.success) return fail(ctx, 'invalid_input');
    const list = await admin.users.list(state(ctx).actor, { search: q.data.q, role: q.data.role, mfa: q.data.mfa, page: q.data.page, pageSize: PAGE_SIZE });
    ctx.body = { users: list.users.map(userJson), total: list.total, page: list.page, pageSize: list.pageSize, pages: list.pages };
  });

  router.post('/api/users', ...post, async (ctx) => {
    const parsed = newUser.safeParse(input(ctx));
    if (!parsed.success) return fail(ctx, 'invalid_input');
    const d = parsed.data;
    const outcome = await admin.users.create(state(ctx).actor, { username: d.username, name: d.name, email: d.email || null, role: d.role, password: d.password });
    if (!outcome.ok) return reply(ctx, outcome, () => ({}));
    // the new user's temporary access pass (B17), in this answer only
    const pass = await admin.users.issuePass(state(ctx).actor, outcome.value.id, 'new_user');
    reply(ctx, pass, (v) => ({ user: userJson(v.user), accessPass: passJson(v) }), 201);
  });

  router.post('/api/users/:id/passes', ...post, async (ctx) => {
    reply(ctx, await admin.users.issuePass(state(ctx).actor, ctx.params.id, 'request'), (v) => ({ accessPass: passJson(v) }), 201);
  });

  router.post('/api/users/:id/passes/:passId/revoke', ...post, async (ctx) => {
    reply(ctx, await admin.users.revokePass(state(ctx).actor, ctx.params.id, ctx.params.passId), (v) => v);
  });

  router.get('/api/users/:id', authed, async (ctx) => {
    const a = state(ctx);
    const outcome = await admin.users.get(a.actor, ctx.params.id);
    reply(ctx, outcome, (v) => ({
      user: userJson(v.user),
      devices: v.devices.map(deviceJson),
      // never the pass itself: what it is for and how long it lasts
      accessPasses: v.passes.map((p) => ({ id: p.id, reason: p.reason, createdAt: iso(p.createdAt), expiresAt: iso(p.expiresAt) })),
      allowed: admin.users.allowed(a.actor, v.user),
    }));
  });

  // B15: a user's provider sessions; end one ({"session": "<uid>"}) or all ({"session": "all"})
  router.get('/api/users/:id/sessions', authed, async (ctx) => {
    reply(ctx, await admin.sessions.list(state(ctx).actor, ctx.params.id), (sessions) => ({
      sessions: sessions.map((s) => ({
        id: s.uid,
        browser: s.browser ?? null,
        os: s.os ?? null,
        ip: s.ip ?? null,
        startedAt: s.startedAt ? iso(s.startedAt) : null,
        lastUsedAt: s.lastUsedAt ? iso(s.lastUsedAt) : null,
        clients: s.clientIds,
      })),
    }));
  });

  router.post('/api/users/:id/sessions/end', ...post, async (ctx) => {
    const which = input(ctx).session;
    if (typeof which !== 'string' || !which || which.length > 100) return fail(ctx, 'invalid_input');
    reply(ctx, await admin.sessions.end(state(ctx).actor, ctx.params.id, which), (v) => v);
  });

  router.post('/api/users/:id/role', ...post, async (ctx) => {
    const parsed = roleChange.safeParse(input(ctx));
    if (!parsed.success) return fail(ctx, 'invalid_input');
    reply(ctx, await admin.users.changeRole(state(ctx).actor, ctx.params.id, parsed.data.role), (u) => ({ user: userJson(u) }));
  });

  for (const [path, active] of [['deactivate', false], ['reactivate', true]] as const) {
    router.post(`/api/users/:id/${path}`, ...post, async (ctx) => {
      reply(ctx, await admin.users.setActive(state(ctx).actor, ctx.params.id, active), (u) => ({ user: userJson(u) }));
    });
  }

  // Reset and removal: {"password": "<the admin's own>", "confirm": true} (checklist 62, 63).
  for (const mode of ['reset', 'remove'] as const) {
    router.post(`/api/users/:id/mfa/${mode}`, ...post, async (ctx) => {
      const parsed = mfaChange.safeParse(input(ctx));
      if (!parsed.success) return fail(ctx, 'invalid_input');
      const args = { password: parsed.data.password, confirmed: parsed.data.confirm === true };
      const a = state(ctx);
      const outcome = mode === 'reset' ? await admin.users.resetMfa(a.actor, ctx.params.id, args) : await admin.users.removeMfa(a.actor, ctx.params.id, args);
      if (outcome.ok && mode === 'reset') {
        return reply(ctx, await admin.users.issuePass(a.actor, ctx.params.id, 'reset'), (v) => ({ user: userJson(v.user), accessPass: passJson(v) }));
      }
      reply(ctx, outcome, (u) => ({ user: userJson(u) }));
    });
  }

  router.post('/api/users/:id/unlock', ...post, async (ctx) => {
    reply(ctx, await admin.users.unlockSignIn(state(ctx).actor, ctx.params.id), (u) => ({ user: userJson(u) }));
  });

  router.post('/api/users/:id/devices/revoke', ...post, async (ctx) => {
    reply(ctx, await admin.users.revokeDevices(state(ctx).actor, ctx.params.id), (v) => v);
  });

  router.get('/api/policy', authed, async (ctx) => {
    ctx.body = policyJson(await admin.policy.view(state(ctx).actor));
  });

  router.post('/api/policy', ...post, async (ctx) => {
    const parsed = policyChange.safeParse(input(ctx));
    if (!parsed.success) return fail(ctx, policyInputError(parsed.error.issues));
    const outcome = await admin.policy.update(state(ctx).actor, parsed.data);
    if (!outcome.ok) return fail(ctx, outcome.error);
    ctx.body = policyJson(outcome.value);
  });

  router.get('/api/audit', authed, async (ctx) => {
    const q = auditQuery.safeParse(ctx.query);
    if (!q.success) return fail(ctx, 'invalid_input');
    const page = await admin.audit.browse(state(ctx).actor, q.data.filter, q.data.cursor, AUDIT_PAGE_SIZE);
    const usernames = new Map([...page.people].map(([id, p]) => [id, p.username]));
    const first = page.events[0];
    const last = page.events.at(-1);
    ctx.body = {
      events: page.events.map((e) => exportRow(e, usernames)),
      // cursors for the next request (?older= / ?newer=), as the console's pager links
      older: page.older && last ? cursorOf(last) : null,
      newer: page.newer && first ? cursorOf(first) : null,
    };
  });
}
