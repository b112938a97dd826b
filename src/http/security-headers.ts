// Browser hardening headers for every response (checklist 83): CSP, framing, sniffing, referrer, COOP, HSTS on https.
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

const HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
];

const HSTS = 'max-age=31536000';

function apply(ctx: Koa.Context): void {
  if (ctx.headerSent) return;
  for (const [name, value] of HEADERS) if (!ctx.res.hasHeader(name)) ctx.set(name, value);
  if (ctx.secure && !ctx.res.hasHeader('Strict-Transport-Security')) ctx.set('Strict-Transport-Security', HSTS);
}

/** Sets the headers before the rest of the app runs (values set downstream win) and fills any removed on the way out. */
export function securityHeaders(): Koa.Middleware {
  return async (ctx, next) => {
    apply(ctx);
    try {
      await next();
    } finally {
      apply(ctx);
    }
  };
}
