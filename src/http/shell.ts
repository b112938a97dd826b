// The outer layers every response passes through, in their one order; createApp and the tests both use this list.
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Assets } from './assets.js';
import { errorHandler } from './error-handler.js';
import type { Renderer } from './page.js';
import { bodyParser, plainBodiesOnly } from './request-body.js';
import { noStore, securityHeaders } from './security-headers.js';

// Our own pages (sign-in steps, account, admin): never cached, small urlencoded forms parsed here.
export const OWN_PAGES = /^\/(interaction|account|admin|password-reset)(\/|$)/;

export function httpShell(opts: { render: Pick<Renderer, 'page'>; logger: Logger; assets: Pick<Assets, 'middleware'> }): Koa.Middleware[] {
  const bodies = bodyParser({ limit: '16kb' });
  const plainOnly = plainBodiesOnly();
  const pagesOnlyNoStore = noStore();
  return [
    // 1. CSP, frame-ancestors 'none', X-Frame-Options, nosniff, referrer policy: outermost, so the headers are
    //    (re)applied after the error handler below has reset a failed response (checklist 83).
    securityHeaders(),
    // 2. Errors become translated pages or JSON, never stack traces.
    errorHandler({ render: opts.render, logger: opts.logger }),
    // 3. Versioned, immutable static assets (S15).
    opts.assets.middleware,
    // 4. Our own pages are never cached (S15).
    async (ctx, next) => (OWN_PAGES.test(ctx.path) ? pagesOnlyNoStore(ctx, next) : next()),
    // 5. Small urlencoded forms and JSON (the admin API) for our routes, read here and nowhere else (an unreadable
    //    body is a 400); oidc-provider parses its own bodies and ignores Content-Encoding, so a coded body is refused
    //    before it gets there.
    async (ctx, next) => (!OWN_PAGES.test(ctx.path) ? plainOnly(ctx, next) : ctx.method === 'POST' ? bodies(ctx, next) : next()),
  ];
}
