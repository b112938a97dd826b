// Demo POS relying party (openid-client): sign in, show who and how (acr, amr, auth_time), switch user (S9), sign out.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { page, escapeHtml as h } from './page.js';

export interface DemoOptions {
  issuer: string;
  port: number;
  baseUrl: string;
  logger: Logger;
  clientId?: string;
  clientSecret?: string;
}

interface DemoSession {
  pending?: { verifier: string; state: string };
  idToken?: string;
  claims?: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
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
    let sid = ctx.cookies.get('demo_sid', { signed: true });
    if (!sid || !sessions.has(sid)) {
      sid = randomBytes(16).toString('base64url');
      sessions.set(sid, {});
      ctx.cookies.set('demo_sid', sid, { signed: true, httpOnly: true, sameSite: 'lax' });
    }
    return sessions.get(sid)!;
  };

  async function startSignIn(ctx: Koa.Context, extra: Record<string, string>) {
    const s = session(ctx);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    s.pending = { verifier, state };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${opts.baseUrl}/callback`,
      scope: 'openid profile email store',
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
      ctx.body = page('Demo POS', `<h1>Demo POS</h1><p>Register 1 is locked.</p><a class="button" href="/login">Sign in</a>`);
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
      const claims = tokens.claims()!;
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

  router.get('/logout', (ctx) => {
    const s = session(ctx);
    const idToken = s.idToken;
    s.claims = s.userinfo = s.idToken = undefined;
    if (!idToken) return ctx.redirect('/');
    ctx.redirect(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${opts.baseUrl}/` }).href);
  });

  app.use(router.routes());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(opts.port, () => resolve(s));
  });
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
