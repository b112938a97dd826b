// The admin console at /admin: sign-in through the provider itself with MFA (B12), sessions, CSRF, store scoping; pages and /admin/api (D5).
import Router from '@koa/router';
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import type { Services } from '../container.js';
import type { Models } from '../models/index.js';
import type { Renderer } from '../http/page.js';
import { pickLocale, type Locale } from '../http/i18n.js';
import { ACR, satisfies } from '../provider/acr.js';
import { createAdminServices, isConsoleRole } from '../services/admin/index.js';
import { mongoAdminSessions, mongoAdminStores, mongoAdminUsers, mongoSessionRevoker } from '../models/stores/admin.js';
import { mongoAuditQuery } from '../models/stores/audit-query.js';
import { adminSessions } from './session.js';
import { ADMIN_CLIENT_ID, adminSignIn, type AdminIdentity } from './sign-in.js';
import { chromeView } from './views.js';
import { errorKey, statusOf, type AdminContext, type AdminKit, type AdminRequest } from './kit.js';
import { registerPages } from './pages.js';
import { registerAuditPages } from './audit-pages.js';
import { registerLanguagePages } from './language-pages.js';
import { registerApi } from './api.js';
import { registerRolloutPages } from './rollout-pages.js';
import { formBody } from '../http/form.js';
import { backLinkOf, providerBackLinks } from '../http/back-link.js';
import type { RegisterCookie } from '../http/register-cookie.js';
import { registerTrustedRegisterPages } from './register-pages.js';

export interface AdminDeps {
  provider: Provider;
  services: Services;
  render: Renderer;
  models: Models;
  issuer: string;
  /** the trusted-register cookie (B19) */
  registerCookie: RegisterCookie;
}

const SAFE_RETURN = /^\/admin(?:[/?][^\\\s]*)?$/;
const STORE_PREFIX = /^[a-z0-9][a-z0-9-]{0,62}$/i;

export function adminRouter(deps: AdminDeps): Router {
  const { services, render, models, issuer } = deps;
  const secure = issuer.startsWith('https://');
  const sessions = adminSessions(mongoAdminSessions(models), { secure, clock: services.clock });
  const signIn = adminSignIn({
    issuer,
    async clientSecret() {
      // one source of truth: the secret the provider's client registry holds for this client
      const client = await deps.provider.Client.find(ADMIN_CLIENT_ID);
      if (!client?.clientSecret) throw new Error(`client "${ADMIN_CLIENT_ID}" is not registered with a secret (config/clients.json)`);
      return client.clientSecret;
    },
  });

  const users = mongoAdminUsers(models);
  const admin = createAdminServices({
    users,
    stores: mongoAdminStores(models),
    events: mongoAuditQuery(models),
    audit: services.audit,
    hashPassword: (pw) => services.passwords.hash(pw),
    checkNewPassword: (pw, context) => services.passwords.checkNew(pw, context),
    // the admin's own password, throttled like every other password check (B2)
    async verifyAdminPassword(actor, password) {
      return services.reauthenticate(actor.id, password, actor.ip ?? '');
    },
    mfa: services.mfa,
    devices: { list: (id) => services.devices.list(id), revokeAll: (id) => services.devices.revokeAll(id) },
    endSessions: mongoSessionRevoker(models, services.payloads),
    sessions: services.sessions,
    passes: services.accessPasses,
    binding: services.binding,
    languages: services.languages,
    unlockSignIn: (userId, generation, actor) => services.throttle.unlock(userId, generation, { ...actor, via: 'admin' }),
    clock: services.clock,
  });

  const localeOf = (ctx: Koa.Context, preferred?: string | null): Locale =>
    pickLocale((typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : undefined) ?? preferred ?? undefined, ctx.get('accept-language'));
  const body = formBody;
  const meta = (ctx: Koa.Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });
  const audit = (ctx: Koa.Context, type: string, e: { userId?: string | null; storeId?: string | null; details?: Record<string, unknown> }) =>
    services.audit.record({ type, userId: e.userId ?? null, actorId: e.userId ?? null, storeId: e.storeId ?? null, ...meta(ctx), details: e.details });

  function plainPage(ctx: Koa.Context, status: number, template: string, view: Record<string, unknown>) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = render.page(template, { ...view, backLink: backLinkOf(ctx) }, localeOf(ctx));
  }

  function refuse(ctx: Koa.Context, kind: 'page' | 'api', error: string) {
    const locale = localeOf(ctx);
    const message = render.t(locale, errorKey(error));
    if (kind === 'api') {
      ctx.status = statusOf(error);
      ctx.body = { error, error_description: message };
      return;
    }
    plainPage(ctx, statusOf(error), 'error', { title: render.t(locale, 'admin.errors.title'), message, backUrl: '/admin' });
  }

  // Every admin request: a live admin session, a user who is still an active owner or admin of that store,
  // and on POST the session's CSRF token (form field or x-csrf-token header; checklist 60).
  const authenticate = (kind: 'page' | 'api'): Koa.Middleware => async (ctx, next) => {
    const session = await sessions.current(ctx);
    if (!session) {
      if (kind === 'api') return refuse(ctx, kind, 'unauthorized');
      if (ctx.method === 'GET') {
        const to = new URLSearchParams({ return: ctx.originalUrl });
        for (const name of ['store', 'ui_locales']) if (typeof ctx.query[name] === 'string') to.set(name, ctx.query[name] as string);
        return ctx.redirect(`/admin/login?${to}`);
      }
      ctx.status = 303;
      return ctx.redirect('/admin');
    }
    const user = await services.users.byId(session.userId);
    const store = user ? await services.users.storeById(user.storeId) : undefined;
    if (!user || !store || !user.active || !isConsoleRole(user.role) || user.storeId !== session.storeId) {
      await sessions.end(ctx, session);
      return refuse(ctx, kind, 'not_admin');
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      const token = ctx.get('x-csrf-token') || body(ctx).csrf;
      if (!sessions.csrfValid(session, token)) {
        await audit(ctx, 'admin.csrf_rejected', { userId: user.id, storeId: store.id, details: { path: ctx.path } });
        return refuse(ctx, kind, 'csrf');
      }
    }
    const locale = localeOf(ctx, user.locale);
    const request: AdminRequest = {
      session,
      actor: { id: user.id, storeId: store.id, role: user.role, ...meta(ctx) },
      user,
      store,
      locale,
      t: (key, vars) => render.t(locale, key, vars),
    };
    ctx.state.admin = request;
    await next();
  };

  const kit: AdminKit = {
    admin,
    services,
    render,
    sessions,
    authenticate,
    body,
    clientName: async (clientId) => (await deps.provider.Client.find(clientId))?.clientName,
    show(ctx, template, section, view, status = 200) {
      const a = (ctx as AdminContext).state.admin;
      ctx.status = status;
      ctx.type = 'html';
      const chrome = chromeView(a.t, section, {
        storeName: a.store.name,
        storePrefix: a.store.prefix,
        adminName: a.user.name,
        adminRole: a.user.role,
        csrf: a.session.csrf,
      });
      ctx.body = render.page(template, { ...view, chrome, backLink: backLinkOf(ctx), signedIn: true, csrf: a.session.csrf }, a.locale);
    },
  };

  const router = new Router({ prefix: '/admin' });
  router.use(providerBackLinks(deps.provider, issuer));

  // Sign-in: an authorization request of the confidential "admin-console" client, demanding the MFA acr.
  router.get('/login', async (ctx) => {
    const ret = typeof ctx.query.return === 'string' && SAFE_RETURN.test(ctx.query.return) && !ctx.query.return.startsWith('/admin/login') ? ctx.query.return : null;
    const store = typeof ctx.query.store === 'string' && STORE_PREFIX.test(ctx.query.store) ? ctx.query.store.toLowerCase() : undefined;
    const ui = typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales.slice(0, 35) : undefined;
    const start = await signIn.start({ loginHint: store ? `${store}:` : undefined, uiLocales: ui });
    await sessions.beginLogin(ctx, { state: start.state, nonce: start.nonce, verifier: start.verifier, returnTo: ret });
    ctx.redirect(start.url.href);
  });

  router.get('/callback', async (ctx) => {
    const locale = localeOf(ctx);
    const failed = (status: number, reason: string) =>
      plainPage(ctx, status, 'admin-denied', { reason, message: render.t(locale, `admin.denied.${reason}`), retry: '/admin/login' });
    const login = await sessions.finishLogin(ctx, ctx.query.state);
    if (!login) return failed(400, 'expired');
    if (typeof ctx.query.error === 'string') return failed(400, 'failed');
    let identity: AdminIdentity;
    try {
      identity = await signIn.finish(ctx.search, { state: String(ctx.query.state), nonce: login.nonce, verifier: login.verifier });
    } catch (err) {
      services.logger.warn({ err: { message: (err as Error).message } }, 'admin console sign-in failed');
      return failed(400, 'failed');
    }
    const user = await services.users.byId(identity.sub);
    // B12: only an authentication with a second factor opens the console, whatever the provider's session says
    if (!satisfies(identity.acr, ACR.mfa) || !identity.amr.includes('mfa')) {
      await audit(ctx, 'admin.signin_denied', { userId: user?.id, storeId: user?.storeId, details: { reason: 'no_mfa', acr: identity.acr ?? null } });
      return failed(403, 'no_mfa');
    }
    if (!user?.active || !isConsoleRole(user.role)) {
      await audit(ctx, 'admin.signin_denied', { userId: user?.id, storeId: user?.storeId, details: { reason: 'role', role: user?.role ?? null } });
      // "Sign in as someone else" ends this provider session without a question and comes back to the console's
      // sign-in (B26): a POST to the end-session endpoint with this sign-in's ID token
      return plainPage(ctx, 403, 'admin-denied', {
        reason: 'role',
        message: render.t(locale, 'admin.denied.role'),
        signOut: { action: '/session/end', idTokenHint: identity.idToken, postLogoutRedirectUri: `${issuer}/admin`, uiLocales: locale },
      });
    }
    await sessions.start(ctx, { userId: user.id, storeId: user.storeId });
    await audit(ctx, 'admin.signin', { userId: user.id, storeId: user.storeId, details: { acr: identity.acr, amr: identity.amr } });
    ctx.redirect(login.returnTo ?? '/admin');
  });

  // Ends the console session, then the provider session (RP-initiated logout back to /admin).
  router.post('/logout', authenticate('page'), async (ctx) => {
    const a = (ctx as AdminContext).state.admin;
    await sessions.end(ctx, a.session);
    await audit(ctx, 'admin.signout', { userId: a.user.id, storeId: a.store.id });
    const end = new URL('/session/end', issuer);
    end.search = new URLSearchParams({ client_id: ADMIN_CLIENT_ID, post_logout_redirect_uri: `${issuer}/admin` }).toString();
    ctx.status = 303;
    ctx.redirect(end.href);
  });

  registerApi(router, kit);
  registerPages(router, kit);
  registerAuditPages(router, kit);
  registerLanguagePages(router, kit);
  registerRolloutPages(router, kit);
  registerTrustedRegisterPages(router, kit, deps.registerCookie);
  return router;
}
