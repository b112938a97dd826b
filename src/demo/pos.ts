// Demo POS relying party (openid-client): sign in, show who and how (acr, amr, auth_time), switch user (S9), sign out.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { listen } from '../http/listen.js';
import Koa from 'koa';
import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { page, escapeHtml as h } from './page.js';
import { reportsApi } from './reports-api.js';
import { backchannelLogoutEndpoint } from './backchannel-logout.js';
import { approvalDemo, refundButton, type DemoApproval } from './approval.js';
import { pickLocale } from '../http/i18n.js';

export interface DemoOptions {
  issuer: string;
  port: number;
  baseUrl: string;
  logger: Logger;
  clientId?: string;
  clientSecret?: string;
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
  approval?: DemoApproval;
}

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

  const session = (ctx: Koa.Context): DemoSession => {
    const sid = ctx.cookies.get('demo_sid', { signed: true });
    const known = sid ? sessions.get(sid) : undefined;
    if (known) return known;
    const fresh: DemoSession = {};
    const freshSid = randomBytes(16).toString('base64url');
    sessions.set(freshSid, fresh);
    ctx.cookies.set('demo_sid', freshSid, { signed: true, httpOnly: true, sameSite: 'lax' });
    return fresh;
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
      ...extra,
    });
    ctx.redirect(url.href);
  }

  router.get('/', (ctx) => {
    const s = session(ctx);
    ctx.set('Cache-Control', 'no-store');
    if (!s.claims) {
      const notice = s.signedOutByProvider ? `<p class="notice" id="signed-out" role="status">You were signed out: your sign-in session ended.</p>` : '';
      s.signedOutByProvider = false;
      ctx.body = page('Demo POS', `<h1>Demo POS</h1>${notice}<p>Register 1 is locked.</p><a class="button" href="/login">Sign in</a>`);
      return;
    }
    const c = s.claims;
    const u = s.userinfo ?? {};
    const authTime = typeof c.auth_time === 'number' ? new Date(c.auth_time * 1000).toISOString() : '';
    ctx.body = page(
      'Demo POS',
      `<h1>Demo POS</h1>
      <p class="who">Signed in as <strong id="user-name">${h(String(u.name ?? c.sub))}</strong></p>
      <dl>
        <dt>Store</dt><dd id="store">${h(String(u.store_name ?? ''))} (${h(String(u.store ?? ''))})</dd>
        <dt>Role</dt><dd id="role">${h(String(u.role ?? ''))}</dd>
        <dt>acr</dt><dd id="acr">${h(String(c.acr ?? ''))}</dd>
        <dt>amr</dt><dd id="amr">${h(JSON.stringify(c.amr ?? []))}</dd>
        <dt>auth_time</dt><dd id="auth-time">${h(authTime)}</dd>
      </dl>
      <p class="actions">
        <a class="button" id="switch-user" href="/switch">Switch user</a>
        <a class="button secondary" id="reports" href="/reports">Partner reports</a>
        ${refundButton(pickLocale(undefined, ctx.get('accept-language') || undefined))}
        <a class="button secondary" id="security" href="${h(opts.issuer)}/account">Security &amp; ID</a>
        <a class="button secondary" id="sign-out" href="/logout">Sign out</a>
      </p>`,
    );
  });

  router.get('/login', (ctx) => startSignIn(ctx, {}));
  // S9: a shared register switches user with a fresh sign-in, password and code included.
  router.get('/switch', (ctx) => startSignIn(ctx, { prompt: 'login' }));

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
      s.reportsToken = undefined;
      s.idToken = tokens.id_token;
      s.claims = { ...claims };
      s.userinfo = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) };
      ctx.redirect('/');
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'demo POS sign-in failed');
      ctx.status = 400;
      ctx.body = page('Demo POS', `<h1>Sign-in did not complete</h1><p>${h((err as Error).message)}</p><a class="button" href="/">Back</a>`);
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
      ctx.status = 403;
      ctx.body = page('Partner reports', `<h1>Partner reports</h1><p id="report-error">Access was refused.</p><a class="button" href="/">Back</a>`);
      return;
    }
    s.stepUps = 0;
    const data = (await res.json()) as { report: string; rows: Array<{ outlet: string; sales: number }>; authenticated: { acr: string } };
    const rows = data.rows.map((r) => `<dt>${h(r.outlet)}</dt><dd>${r.sales.toFixed(2)}</dd>`).join('');
    ctx.body = page(
      'Partner reports',
      `<h1 id="report-title">${h(data.report)}</h1><dl>${rows}<dt>acr</dt><dd id="report-acr">${h(data.authenticated.acr)}</dd></dl><a class="button" href="/">Back</a>`,
    );
  });

  router.get('/logout', (ctx) => {
    const s = session(ctx);
    const idToken = s.idToken;
    s.claims = s.userinfo = s.idToken = undefined;
    if (!idToken) return ctx.redirect('/');
    ctx.redirect(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${opts.baseUrl}/` }).href);
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
          ended++;
        }
        return ended;
      },
    }),
  );
  router.get('/api/reports', reportsApi({ issuer: opts.issuer, jwksUri, audience: reportsUrl }));
  router.get('/api/reports/payouts', reportsApi({ issuer: opts.issuer, jwksUri, audience: reportsUrl, level: 'phr' }));
  approvalDemo(router, { config, issuer: opts.issuer, baseUrl: opts.baseUrl, clientId: opts.clientId ?? 'demo-pos', clientSecret: opts.clientSecret ?? 'demo-pos-secret-change-me-in-production', logger: opts.logger, session, localeOf: (ctx) => pickLocale(undefined, ctx.get('accept-language') || undefined), screen: (_ctx, title, content) => page(title, `<h1>${h(title)}</h1>${content}`) });
  app.use(router.routes());
  const server = await listen(app, opts.port, 'DEMO_PORT');
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
