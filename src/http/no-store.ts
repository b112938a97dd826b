// Never cache sign-in, account and admin pages (S15): stale cached pages broke user switching.
import type Koa from 'koa';

function apply(ctx: Koa.Context): void {
  if (ctx.headerSent) return;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

/** Cache-Control: no-store + Pragma: no-cache, set before and enforced again after the downstream handlers. */
export function noStore(): Koa.Middleware {
  return async (ctx, next) => {
    apply(ctx);
    try {
      await next();
    } finally {
      apply(ctx);
    }
  };
}
