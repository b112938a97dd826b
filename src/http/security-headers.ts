// Response headers set by one middleware: browser hardening on every response (checklist 83), no-store on our pages (S15).
import type Koa from 'koa';

// No form-action: Chrome applies it to the redirects that follow a POST, which would block
// the redirect back to a relying party. oidc-provider appends script hashes to script-src
// (form_post), so this header must already be set when it runs.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Headers = ReadonlyArray<readonly [string, string]>;

const HARDENING: Headers = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
];
const HARDENING_HTTPS: Headers = [...HARDENING, ['Strict-Transport-Security', 'max-age=31536000']];

// stale cached pages broke user switching
const NO_STORE: Headers = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/**
 * Sets the headers before the rest of the app runs and again on the way out (an error handler may have reset them).
 * `downstreamWins`: a value set by a later handler is kept; otherwise ours always replaces it.
 */
function headerLayer(headers: (ctx: Koa.Context) => Headers, downstreamWins: boolean): Koa.Middleware {
  const apply = (ctx: Koa.Context) => {
    if (ctx.headerSent) return;
    for (const [name, value] of headers(ctx)) if (!downstreamWins || !ctx.res.hasHeader(name)) ctx.set(name, value);
  };
  return async (ctx, next) => {
    apply(ctx);
    try {
      await next();
    } finally {
      apply(ctx);
    }
  };
}

/** CSP, framing, sniffing, referrer, COOP, permissions, and HSTS on https; values set downstream win. */
export const securityHeaders = (): Koa.Middleware => headerLayer((ctx) => (ctx.secure ? HARDENING_HTTPS : HARDENING), true);

/** Cache-Control: no-store + Pragma: no-cache, enforced even over what a handler set. */
export const noStore = (): Koa.Middleware => headerLayer(() => NO_STORE, false);
