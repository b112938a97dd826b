// Request bodies: our small urlencoded forms and JSON (koa-body, which decodes gzip, deflate and br), and for
// oidc-provider's endpoints, which read the raw bytes, bodies in no content coding at all. A body that cannot be read
// is the caller's fault: 400 (or koa-body's own 413/415), never a 500, whatever the route.
import type Koa from 'koa';
import { koaBody } from 'koa-body';

type BodyError = Error & { status: number; expose: true; i18nKey: string; error: string };

const unreadable = (cause: unknown, status = 400): BodyError =>
  Object.assign(new Error('the request body could not be read', { cause }), { status, expose: true as const, i18nKey: 'errors.invalid_input', error: 'invalid_request' });

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

const hasBody = (ctx: Koa.Context) => ctx.get('transfer-encoding') !== '' || Number(ctx.get('content-length') || 0) > 0;
const codingOf = (ctx: Koa.Context) => ctx.get('content-encoding').trim().toLowerCase();
const coded = (ctx: Koa.Context) => {
  const coding = codingOf(ctx);
  return coding !== '' && coding !== 'identity' && hasBody(ctx);
};

/**
 * Parses a small urlencoded form or JSON object (the admin API); a body that is not what its headers say (bad gzip,
 * bad charset, broken JSON) is a 400. A coded body of any other type is refused too: nothing here reads it, so
 * nothing could tell whether its coding is sound.
 */
export function bodyParser(opts: { limit?: string; json?: boolean } = {}): Koa.Middleware {
  const { limit = '16kb', json = true } = opts;
  const parse = koaBody({ urlencoded: true, json, jsonStrict: true, multipart: false, text: false, formLimit: limit, jsonLimit: limit });
  const readable = json ? ['urlencoded', 'json'] : ['urlencoded'];
  return async (ctx, next) => {
    if (coded(ctx) && !ctx.is(readable)) throw unreadable(new Error(`unsupported content coding ${codingOf(ctx)} for ${ctx.get('content-type')}`));
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      throw unreadable(err, statusOf(err));
    }
    await next();
  };
}

/** oidc-provider parses bodies itself and ignores Content-Encoding: a coded body would be read as if it were plain. */
export function plainBodiesOnly(): Koa.Middleware {
  return async (ctx, next) => {
    if (coded(ctx)) throw unreadable(new Error(`unsupported content coding ${codingOf(ctx)}`));
    await next();
  };
}
