// Demo POS, a simulated kitchen screen (B25): a device without a keyboard signs in with the device authorization grant
// (RFC 8628). It shows a code and a QR code, asks the token endpoint once per page view (the page reloads itself every
// 5 seconds, the polling interval of RFC 8628 §3.5), and once a staff member approved it, who did, how and for which
// device.
import type Router from '@koa/router';
import type Koa from 'koa';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { escapeHtml as h } from './page.js';
import { amrInWords, type DemoText } from './words.js';
import type { Locale } from '../http/i18n.js';

export const KITCHEN_CLIENT_ID = 'demo-kitchen-display';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const POLL_SECONDS = 5;

export interface KitchenScreen {
  pending?: { deviceCode: string; userCode: string; uri: string; uriComplete: string; expiresAt: number };
  signedIn?: { claims: Record<string, unknown>; userinfo: Record<string, unknown>; refreshToken?: string; accessToken: string };
  /** why the last code did not sign the screen in (a translation key) */
  ended?: string;
}

export interface KitchenOptions {
  issuer: string;
  logger: Logger;
  name: string;
  session(ctx: Koa.Context): { kitchen?: KitchenScreen };
  words(ctx: Koa.Context): { locale: Locale; t: DemoText };
  screen(ctx: Koa.Context, title: string, content: string, refreshSeconds?: number): string;
}

const ENDED: Record<string, string> = { access_denied: 'demo.kitchen.declined', expired_token: 'demo.kitchen.expired' };

export async function kitchenScreen(router: Router, opts: KitchenOptions) {
  const insecure = opts.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
  const config = await oidc.discovery(new URL(opts.issuer), KITCHEN_CLIENT_ID, undefined, oidc.None(), insecure);

  async function start(screen: KitchenScreen) {
    const answer = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile store offline_access', device_name: opts.name });
    screen.pending = {
      deviceCode: answer.device_code,
      userCode: answer.user_code,
      uri: answer.verification_uri,
      uriComplete: answer.verification_uri_complete ?? answer.verification_uri,
      expiresAt: Date.now() + answer.expires_in * 1000,
    };
    screen.ended = undefined;
  }

  // one token request: signed in, still pending, or ended
  async function poll(screen: KitchenScreen) {
    const pending = screen.pending;
    if (!pending) return;
    try {
      const tokens = await oidc.genericGrantRequest(config, DEVICE_GRANT, { device_code: pending.deviceCode });
      const claims = tokens.claims();
      if (!claims) throw new Error('the token response has no ID token');
      screen.signedIn = {
        claims: { ...claims },
        userinfo: { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) },
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
      };
      screen.pending = undefined;
    } catch (err) {
      const error = (err as { error?: string }).error;
      if (error === 'authorization_pending' || error === 'slow_down') return;
      opts.logger.info({ error: error ?? (err as Error).message }, 'demo kitchen screen: the code did not sign it in');
      screen.pending = undefined;
      screen.ended = ENDED[error ?? ''] ?? 'demo.kitchen.failed';
    }
  }

  const codePanel = async (t: DemoText, p: NonNullable<KitchenScreen['pending']>) => {
    const qr = await QRCode.toString(p.uriComplete, { type: 'svg', margin: 1, width: 180 });
    const minutes = Math.max(1, Math.ceil((p.expiresAt - Date.now()) / 60_000));
    return `<p class="muted">${h(t('demo.kitchen.instructions'))}</p>
      <p class="kitchen-code" id="kitchen-code">${h(p.userCode)}</p>
      <p>${h(t('demo.kitchen.go_to'))} <a id="kitchen-link" href="${h(p.uriComplete)}" target="_blank" rel="noopener">${h(p.uri)}</a></p>
      <div class="kitchen-qr" role="img" aria-label="${h(t('demo.kitchen.qr'))}">${qr}</div>
      <p class="muted" id="kitchen-status" role="status">${h(t('demo.kitchen.waiting', { minutes }))}</p>`;
  };

  const signedInPanel = (t: DemoText, s: NonNullable<KitchenScreen['signedIn']>) => {
    const device = s.claims.device as { id?: string; name?: string } | undefined;
    const role = String(s.userinfo.role ?? '');
    return `<p class="who"><span class="name" id="kitchen-user">${h(String(s.userinfo.name ?? s.claims.sub))}</span>
        ${role ? `<span class="role">${h(t(`account.roles.${role}`))}</span>` : ''}</p>
      <p class="muted" id="kitchen-how">${h(t('demo.kitchen.approved', { how: amrInWords(t, s.claims.amr) }))}</p>
      <details><summary>${h(t('demo.technical'))}</summary><dl>
        <dt>sub</dt><dd>${h(String(s.claims.sub))}</dd>
        <dt>acr</dt><dd id="kitchen-acr">${h(String(s.claims.acr ?? ''))}</dd>
        <dt>amr</dt><dd id="kitchen-amr">${h(JSON.stringify(s.claims.amr ?? []))}</dd>
        <dt>device</dt><dd id="kitchen-device">${h(JSON.stringify(device ?? {}))}</dd>
      </dl></details>
      <form method="post" action="/kitchen/sign-out"><button class="button danger" id="kitchen-sign-out" type="submit">${h(t('demo.kitchen.sign_out'))}</button></form>`;
  };

  router.get('/kitchen', async (ctx) => {
    const { t } = opts.words(ctx);
    const s = opts.session(ctx);
    s.kitchen ??= {};
    const screen = s.kitchen;
    ctx.set('Cache-Control', 'no-store');
    if (!screen.signedIn && !screen.pending && !screen.ended) await start(screen);
    await poll(screen);
    const title = t('demo.kitchen.title', { name: opts.name });
    if (screen.signedIn) ctx.body = opts.screen(ctx, title, signedInPanel(t, screen.signedIn));
    else if (screen.pending) ctx.body = opts.screen(ctx, title, await codePanel(t, screen.pending), POLL_SECONDS);
    else {
      ctx.body = opts.screen(
        ctx,
        title,
        `<p id="kitchen-status" role="status">${h(t(screen.ended ?? 'demo.kitchen.failed'))}</p>
        <form method="post" action="/kitchen/new"><button class="button" id="kitchen-new" type="submit">${h(t('demo.kitchen.new_code'))}</button></form>`,
      );
    }
  });

  router.post('/kitchen/new', async (ctx) => {
    const s = opts.session(ctx);
    s.kitchen = {};
    await start(s.kitchen);
    ctx.status = 303;
    ctx.redirect('/kitchen');
  });

  // the screen forgets its tokens and tells the provider (RFC 7009), so the refresh token ends there too
  router.post('/kitchen/sign-out', async (ctx) => {
    const s = opts.session(ctx);
    const token = s.kitchen?.signedIn?.refreshToken;
    if (token) await oidc.tokenRevocation(config, token).catch((err: unknown) => opts.logger.warn({ err: (err as Error).message }, 'demo kitchen screen: revocation failed'));
    s.kitchen = { ended: 'demo.kitchen.signed_out' };
    ctx.status = 303;
    ctx.redirect('/kitchen');
  });
}

export const kitchenButton = (t: DemoText) => `<a class="button secondary" id="kitchen" href="/kitchen">${h(t('demo.kitchen.button'))}</a>`;
