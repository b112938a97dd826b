// Demo POS relying party (openid-client): a register screen in English and Dutch that signs in, shows who and how
// (acr, amr, auth_time), switches user (S9) and signs out.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { listen } from '../http/listen.js';
import Koa from 'koa';
import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { page, escapeHtml as h } from './page.js';
import { homeScreen, lockedScreen } from './register-screen.js';
import { demoLocale, demoText } from './words.js';
import { isLocale, type Locale } from '../http/i18n.js';
import { reportsApi } from './reports-api.js';
import { backchannelLogoutEndpoint } from './backchannel-logout.js';
import { QUICK_SWITCH_REQUEST, registerName } from './quick-switch.js';
import { approvalDemo, type DemoApproval } from './approval.js';
import { kitchenScreen, type KitchenScreen } from './kitchen-screen.js';

export interface DemoOptions {
  issuer: string;
  port: number;
  /** the address to listen on; undefined: every interface */
  host?: string;
  baseUrl: string;
  logger: Logger;
  clientId?: string;
  clientSecret?: string;
  /** development without SMTP_URL: the provider's page of caught emails, shown at the foot of every screen */
  devMailUrl?: string;
}

interface DemoSession {
  pending?: { verifier: string; state: string; purpose: 'signin' | 'reports' };
  reportsToken?: string;
  stepUps?: number;
  idToken?: string;
  claims?: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
  /** the provider told us (back-channel logout) that this sign-in ended */
  signedOutByProvider?: boolean;
  /** someone signed out on this register: the next "Sign in" asks who, whatever the provider's session (B26) */
  signedOut?: boolean;
  /** the language chosen on the register (else the browser's) */
  locale?: Locale;
  approval?: DemoApproval;
  /** the simulated kitchen screen of this browser (B25) */
  kitchen?: KitchenScreen;
}

/** Where "Security & ID" leads: the provider's account page, with the way back to this register (issue 13 item 3). */
const securityUrl = (opts: DemoOptions) =>
  `${opts.issuer}/account?${new URLSearchParams({ client_id: opts.clientId ?? 'demo-pos', return_to: `${opts.baseUrl}/` })}`;

/** A one-panel page: heading, content and the way back to the register. */
const panel = (title: string, content: string, back: string) =>
  `<section class="panel"><h1>${h(title)}</h1>${content}<div class="keys"><a class="button secondary" href="/">${h(back)}</a></div></section>`;

export async function startDemoPos(opts: DemoOptions): Promise<{ server: Server; close(): Promise<void> }> {
  const insecure = opts.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
  const config = await oidc.discovery(
    new URL(opts.issuer),
    opts.clientId ?? 'demo-pos',
    opts.clientSecret ?? 'demo-pos-secret-change-me-in-production',
    undefined,
    insecure,
  );
  const sessions = new Map<string, DemoSession>();
  const app = new Koa();
  app.keys = [randomBytes(32).toString('base64url')];
  const router = new Router();

  // one session per request, even for a first visit (the cookie set on the response is not in the request yet)
  const session = (ctx: Koa.Context): DemoSession => {
    if (ctx.state.demoSession) return ctx.state.demoSession as DemoSession;
    const sid = ctx.cookies.get('demo_sid', { signed: true });
    let found = sid ? sessions.get(sid) : undefined;
    if (!found) {
      found = {};
      const freshSid = randomBytes(16).toString('base64url');
      sessions.set(freshSid, found);
      ctx.cookies.set('demo_sid', freshSid, { signed: true, httpOnly: true, sameSite: 'lax' });
    }
    ctx.state.demoSession = found;
    return found;
  };

  const reportsUrl = `${opts.baseUrl}/api/reports`;

  async function startSignIn(ctx: Koa.Context, extra: Record<string, string>, purpose: 'signin' | 'reports' = 'signin') {
    const s = session(ctx);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    s.pending = { verifier, state, purpose };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${opts.baseUrl}/callback`,
      scope: purpose === 'reports' ? 'openid reports:read' : 'openid profile email store',
      ...(purpose === 'reports' ? { resource: reportsUrl } : {}),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ui_locales: words(ctx).locale,
      ...extra,
    });
    ctx.redirect(url.href);
  }

  const words = (ctx: Koa.Context) => {
    const s = session(ctx);
    const asked = ctx.query.lang;
    if (isLocale(asked)) s.locale = asked;
    const locale = demoLocale(s.locale, ctx.get('accept-language') || undefined);
    return { locale, t: demoText(locale) };
  };

  router.get('/', (ctx) => {
    const s = session(ctx);
    const { t, locale } = words(ctx);
    ctx.set('Cache-Control', 'no-store');
    if (!s.claims) {
      ctx.body = page(t, locale, { devMail: opts.devMailUrl }, lockedScreen(t, s.signedOutByProvider === true));
      s.signedOutByProvider = false;
      return;
    }
    const userinfo = s.userinfo ?? {};
    ctx.body = page(
      t,
      locale,
      { devMail: opts.devMailUrl, store: String(userinfo.store_name ?? ''), till: registerName(s.claims) },
      homeScreen({ t, locale, claims: s.claims, userinfo, securityUrl: securityUrl(opts) }),
    );
  });

  // B26: after a sign-out the register never re-admits the last user silently: the provider asks who is signing in
  router.get('/login', (ctx) => startSignIn(ctx, session(ctx).signedOut ? { prompt: 'login' } : {}));
  // S9: a shared register switches user with a fresh sign-in, password and code included.
  router.get('/switch', (ctx) => startSignIn(ctx, { prompt: 'login' }));
  // B19: on a trusted register the provider offers "Who is switching in?" and the PIN
  router.get('/quick-switch', (ctx) => startSignIn(ctx, QUICK_SWITCH_REQUEST));

  router.get('/callback', async (ctx) => {
    const s = session(ctx);
    const pending = s.pending;
    s.pending = undefined;
    if (!pending) return ctx.redirect('/');
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(ctx.href.replace(ctx.origin, opts.baseUrl)), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
      });
      if (pending.purpose === 'reports') {
        s.reportsToken = tokens.access_token;
        return ctx.redirect('/reports');
      }
      const claims = tokens.claims();
      if (!claims) throw new Error('the token response has no ID token');
      s.stepUps = 0;
      s.signedOut = false;
      s.reportsToken = undefined;
      s.idToken = tokens.id_token;
      s.claims = { ...claims };
      s.userinfo = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) };
      ctx.redirect('/');
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'demo POS sign-in failed');
      const { t, locale } = words(ctx);
      ctx.status = 400;
      ctx.body = page(t, locale, { devMail: opts.devMailUrl, title: t('demo.failed_title') }, panel(t('demo.failed_title'), `<p>${h((err as Error).message)}</p>`, t('demo.back')));
    }
  });

  // A resource server call that follows an RFC 9470 step-up challenge through a new authorization request.
  router.get('/reports', async (ctx) => {
    const s = session(ctx);
    if (!s.claims) return ctx.redirect('/');
    ctx.set('Cache-Control', 'no-store');
    if (!s.reportsToken) return startSignIn(ctx, {}, 'reports');
    const res = await fetch(reportsUrl, { headers: { authorization: `Bearer ${s.reportsToken}` } });
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      const acr = /acr_values="([^"]+)"/.exec(challenge)?.[1];
      const maxAge = /max_age=(\d+)/.exec(challenge)?.[1];
      s.reportsToken = undefined;
      if (/insufficient_user_authentication/.test(challenge) && acr && (s.stepUps ?? 0) < 2) {
        s.stepUps = (s.stepUps ?? 0) + 1;
        return startSignIn(ctx, { acr_values: acr, ...(maxAge ? { max_age: maxAge } : {}) }, 'reports');
      }
      const { t, locale } = words(ctx);
      ctx.status = 403;
      ctx.body = page(t, locale, { devMail: opts.devMailUrl, title: t('demo.reports') }, panel(t('demo.reports'), `<p id="report-error">${h(t('demo.report_refused'))}</p>`, t('demo.back')));
      return;
    }
    s.stepUps = 0;
    const data = (await res.json()) as { report: string; rows: Array<{ outlet: string; sales: number }>; authenticated: { acr: string } };
    const { t, locale } = words(ctx);
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
    const rows = data.rows.map((r) => `<dt>${h(r.outlet)}</dt><dd>${h(money.format(r.sales))}</dd>`).join('');
    ctx.body = page(
      t,
      locale,
      { devMail: opts.devMailUrl, title: t('demo.reports'), store: String(s.userinfo?.store_name ?? '') },
      `<section class="panel"><h1 id="report-title">${h(data.report)}</h1><dl>${rows}<dt>${h(t('demo.report_acr'))}</dt><dd id="report-acr">${h(data.authenticated.acr)}</dd></dl>
      <div class="keys"><a class="button secondary" href="/">${h(t('demo.back'))}</a></div></section>`,
    );
  });

  router.get('/logout', (ctx) => {
    const s = session(ctx);
    const idToken = s.idToken;
    s.claims = s.userinfo = s.idToken = undefined;
    s.signedOut = true;
    if (!idToken) return ctx.redirect('/');
    // always with the ID token: the provider then ends the session without asking (B26)
    ctx.redirect(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${opts.baseUrl}/`, ui_locales: words(ctx).locale }).href);
  });

  const jwksUri = config.serverMetadata().jwks_uri;
  if (!jwksUri) throw new Error('demo POS: the issuer publishes no jwks_uri');
  // B16: the provider tells us when a session ends; the register shows "signed out" at its next request
  router.post(
    '/backchannel-logout',
    backchannelLogoutEndpoint({
      issuer: opts.issuer,
      jwksUri,
      clientId: opts.clientId ?? 'demo-pos',
      signOut({ sid, sub }) {
        let ended = 0;
        for (const s of sessions.values()) {
          if (!s.claims || (sid ? s.claims.sid !== sid : s.claims.sub !== sub)) continue;
          s.claims = s.userinfo = s.idToken = s.reportsToken = undefined;
          s.signedOutByProvider = true;
          s.signedOut = true;
          ended++;
        }
        return ended;
      },
    }),
  );
  router.get('/api/reports', reportsApi({ issuer: opts.issuer, jwksUri, audience: reportsUrl }));
  router.get('/api/reports/payouts', reportsApi({ issuer: opts.issuer, jwksUri, audience: reportsUrl, level: 'phr' }));
  approvalDemo(router, {
    config,
    issuer: opts.issuer,
    baseUrl: opts.baseUrl,
    clientId: opts.clientId ?? 'demo-pos',
    clientSecret: opts.clientSecret ?? 'demo-pos-secret-change-me-in-production',
    logger: opts.logger,
    session,
    localeOf: (ctx) => words(ctx).locale,
    screen(ctx, title, content) {
      const { t, locale } = words(ctx);
      const s = session(ctx);
      // the till's own name, as on the register's home screen (not "Register 1" on a trusted till)
      return page(t, locale, { devMail: opts.devMailUrl, title, store: String(s.userinfo?.store_name ?? ''), till: s.claims ? registerName(s.claims) : undefined }, `<section class="panel"><h1>${h(title)}</h1>${content}</section>`);
    },
  });
  // B25: a kitchen screen without a keyboard, signed in by the device authorization grant
  await kitchenScreen(router, {
    issuer: opts.issuer,
    logger: opts.logger,
    name: 'Kitchen screen 1',
    session,
    words,
    screen(ctx, title, content, refreshSeconds) {
      const { t, locale } = words(ctx);
      return page(t, locale, { devMail: opts.devMailUrl, title, till: title, refreshSeconds }, `<section class="panel"><h1>${h(title)}</h1>${content}</section>`);
    },
  });
  app.use(router.routes());
  const server = await listen(app, opts.port, 'DEMO_PORT', opts.host);
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
