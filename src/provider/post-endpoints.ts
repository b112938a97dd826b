// POST at the authorization endpoint (OIDC Core §3.1.2.1) and the end-session endpoint (RP-Initiated Logout §2).
// The form is answered with a 303 to the same endpoint carrying its parameters in the query, so the browser comes back
// with a GET: a top-level navigation, which carries the provider's SameSite=Lax session cookie, where the form POST
// of another site would not. oidc-provider's own POST support (enableHttpPostMethods) needs that cookie to be
// SameSite=None instead, which browsers refuse without Secure, so it would break every http://localhost setup and
// widen what other sites can send with the session (docs/integrators.md "POST at the authorization and end-session endpoints").
import type Koa from 'koa';
import { koaBody } from 'koa-body';

/** The largest form accepted: its parameters must fit in the URL of the GET that follows (PAR carries more). */
export const MAX_FORM_BYTES = 8 * 1024;

// the form as sent (repeated parameters stay repeated, so the library refuses them as it would in a query)
const parseForm = koaBody({ urlencoded: true, json: false, multipart: false, text: false, formLimit: MAX_FORM_BYTES, includeUnparsed: true });

async function formOf(ctx: Koa.Context): Promise<URLSearchParams> {
  try {
    await parseForm(ctx, async () => {});
  } catch (err) {
    ctx.throw((err as { status?: number }).status === 413 ? 413 : 400, (err as { status?: number }).status === 413 ? 'errors.form_too_large' : 'errors.request_invalid');
  }
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  return new URLSearchParams(typeof raw === 'string' ? raw : '');
}

export function postAsGet(paths: readonly string[]): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !paths.includes(ctx.path)) return next();
    // only a form's parameters count, as for the library's own POST handling (the query is not read)
    if (!ctx.is('application/x-www-form-urlencoded')) ctx.throw(400, 'errors.request_invalid');
    const params = await formOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(`${ctx.path}?${params}`);
  };
}
