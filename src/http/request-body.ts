// Request bodies: our small urlencoded forms (koa-body, which decodes gzip, deflate and br), and for oidc-provider's
// endpoints, which read the raw bytes, bodies in no content coding at all. A body that cannot be read is the
// caller's fault: 400 (or koa-body's own 413/415), never a 500.
import type Koa from 'koa';
import { koaBody } from 'koa-body';

type BodyError = Error & { status: number; expose: true; i18nKey: string; error: string };

const unreadable = (cause: unknown, status = 400): BodyError =>
  Object.assign(new Error('the request body could not be read', { cause }), { status, expose: true as const, i18nKey: 'errors.invalid_input', error: 'invalid_request' });

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

/** Parses a small urlencoded form; a body that is not what its headers say (bad gzip, bad charset) is a 400. */
export function formParser(limit = '16kb'): Koa.Middleware {
  const parse = koaBody({ urlencoded: true, json: false, multipart: false, text: false, formLimit: limit });
  return async (ctx, next) => {
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      throw unreadable(err, statusOf(err));
    }
    await next();
  };
}

const hasBody = (ctx: Koa.Context) => ctx.get('transfer-encoding') !== '' || Number(ctx.get('content-length') || 0) > 0;

/** oidc-provider parses bodies itself and ignores Content-Encoding: a coded body would be read as if it were plain. */
export function plainBodiesOnly(): Koa.Middleware {
  return async (ctx, next) => {
    const coding = ctx.get('content-encoding').trim().toLowerCase();
    if (coding && coding !== 'identity' && hasBody(ctx)) throw unreadable(new Error(`unsupported content coding ${coding}`));
    await next();
  };
}
