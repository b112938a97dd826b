// Database trouble is not the user's fault and not a bug: a translated "temporarily unavailable" answer, 503.
import type Koa from 'koa';

/** Seconds a client should wait before trying again (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}

/** Notes that oidc-provider answered a request after the database failed (its `server_error` event). */
export const markUnavailable = (ctx: Koa.Context, err: unknown) => {
  ctx.state.databaseUnavailable = err ?? true;
};

/** Around oidc-provider: its own 500 for a database failure becomes our translated 503 (page or JSON). */
export function providerDatabaseTrouble(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.state.databaseUnavailable) throw new DatabaseUnavailable('the database did not answer', { cause: ctx.state.databaseUnavailable });
  };
}
