// Turns thrown errors (and unmatched routes) into a translated error page or JSON; never shows a stack trace.
import type Koa from 'koa';
import type { Logger } from 'pino';
import { hasKey, isLocale, pickLocale, translate, type Locale } from './i18n.js';
import type { Renderer } from './render.js';
import { RETRY_AFTER_SECONDS } from './database-trouble.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { outageLog } from '../db/outage-log.js';

// endpoints that answer machines (token, introspection, revocation, userinfo, the admin API), whatever they Accept
const API = /^\/(token|me)(\/|$)|^\/admin\/api\//;
const wantsJson = (ctx: Koa.Context) => API.test(ctx.path);

export interface ErrorHandlerOptions {
  render: Pick<Renderer, 'page'>;
  logger: Logger;
}

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  headers?: unknown;
  /** optional translation key (e.g. "errors.csrf") and its variables for client errors */
  i18nKey?: unknown;
  i18nVars?: unknown;
  /** optional OAuth-style error code for JSON answers, and its description (oidc-provider's errors carry both) */
  error?: unknown;
  error_description?: unknown;
  message?: unknown;
}

const JSON_ERROR_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'too_many_requests',
};

function statusOf(err: HttpErrorLike): number {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

/** The language a sign-in's pages were last shown in, for its error pages when its state cannot be read (an outage). */
export const SIGN_IN_LANGUAGE_COOKIE = 'signin-lang';

function localeOf(ctx: Koa.Context): Locale {
  if (isLocale(ctx.state?.locale)) return ctx.state.locale;
  const shown = ctx.cookies.get(SIGN_IN_LANGUAGE_COOKIE);
  if (isLocale(shown)) return shown;
  const ui = ctx.query.ui_locales;
  return pickLocale(Array.isArray(ui) ? ui[0] : ui, ctx.get('Accept-Language') || undefined);
}

function varsOf(value: unknown): Record<string, string | number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  return vars;
}

// Message key for a client error: the error's own i18nKey, a message that is itself a key, else one per status.
function clientKey(err: HttpErrorLike, status: number): string {
  for (const candidate of [err.i18nKey, err.message]) {
    if (typeof candidate === 'string' && candidate.startsWith('errors.') && hasKey('en', candidate)) return candidate;
  }
  if (status === 404) return 'errors.not_found';
  if (status === 403) return 'errors.forbidden';
  if (status === 429) return 'errors.too_many';
  if (status === 400 || status === 422) return 'errors.invalid_input';
  return 'errors.generic';
}

// A sign-in in progress is kept in the database, so an outage only pauses it: "Try again" opens its current step.
const SIGN_IN = /^\/interaction\/([\w-]+)(?:\/|$)/;

/** Where "Try again" goes during an outage: the sign-in's current step, or the same page; nowhere for other forms. */
function retryOf(ctx: Koa.Context): { url: string; key: string } | undefined {
  const uid = SIGN_IN.exec(ctx.path)?.[1];
  if (uid) return { url: `/interaction/${uid}`, key: 'errors.signin_kept' };
  // a path of this site only: never `//host/...`, which a browser would open on another site
  const same = ctx.originalUrl.startsWith('/') && !/^\/[\\/]/.test(ctx.originalUrl);
  if ((ctx.method === 'GET' || ctx.method === 'HEAD') && same) return { url: ctx.originalUrl, key: 'errors.temporarily_unavailable' };
  return undefined;
}

function respond(ctx: Koa.Context, opts: ErrorHandlerOptions, status: number, err: HttpErrorLike, unavailable = false): void {
  const locale = localeOf(ctx);
  const clientError = status < 500 && err.expose !== false;
  const retry = unavailable ? retryOf(ctx) : undefined;
  const key = unavailable ? (retry?.key ?? 'errors.temporarily_unavailable') : clientError ? clientKey(err, status) : 'errors.generic';
  const message = translate(locale, key, clientError ? varsOf(err.i18nVars) : undefined);
  const title = translate(locale, status === 404 ? 'error.not_found_title' : unavailable ? 'error.unavailable_title' : 'error.title');

  // Start from a clean response like Koa's own error handling: nothing half-prepared leaks out.
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
  if (clientError && typeof err.headers === 'object' && err.headers !== null) {
    for (const [name, value] of Object.entries(err.headers)) if (typeof value === 'string') ctx.set(name, value);
  }
  ctx.set('Cache-Control', 'no-store');
  if (unavailable) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
  ctx.status = status;

  // API and back-channel callers (token, userinfo, /admin/api...) get JSON; so does anyone who asks for it
  if (wantsJson(ctx) || ctx.accepts('html', 'json') === 'json') {
    const code = unavailable ? 'temporarily_unavailable' : !clientError ? 'server_error' : typeof err.error === 'string' ? err.error : (JSON_ERROR_CODES[status] ?? 'invalid_request');
    // an OAuth error thrown after oidc-provider answered (a lost consume-once claim) keeps the library's description
    const description = clientError && typeof err.error === 'string' && typeof err.error_description === 'string' ? err.error_description : message;
    ctx.body = { error: code, error_description: description };
    return;
  }
  try {
    ctx.type = 'html';
    ctx.body = opts.render.page('error', { title, message, retryUrl: retry?.url }, locale);
  } catch (renderError) {
    opts.logger.error({ err: renderError }, 'error page failed to render');
    ctx.type = 'text/plain';
    ctx.body = message;
  }
}

/** Second layer of src/http/shell.ts, inside securityHeaders, which re-applies its headers after the reset here. */
export function errorHandler(opts: ErrorHandlerOptions): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null && !ctx.headerSent) respond(ctx, opts, 404, { expose: true });
    } catch (thrown) {
      const err: HttpErrorLike = typeof thrown === 'object' && thrown !== null ? (thrown as HttpErrorLike) : {};
      const unavailable = isDatabaseUnavailable(thrown);
      const status = unavailable ? 503 : statusOf(err);
      if (unavailable) {
        outageLog(opts.logger).report(thrown, `${ctx.method} ${ctx.path}`);
      } else if (status >= 500) {
        opts.logger.error({ err: thrown, status, method: ctx.method, path: ctx.path }, 'request failed');
      } else {
        opts.logger.info({ status, method: ctx.method, path: ctx.path, msg_key: err.i18nKey }, 'client error');
      }
      if (ctx.headerSent || !ctx.writable) return;
      respond(ctx, opts, status, err, unavailable);
    }
  };
}
