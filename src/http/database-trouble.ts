// Database trouble is not the user's fault and not a bug: a translated "temporarily unavailable" answer, 503.
import type Koa from 'koa';

// The driver's names for "no server" and "the connection broke"; FerretDB answers InternalError when PostgreSQL is gone.
const UNAVAILABLE = new Set([
  'DatabaseUnavailable',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
]);

const LOST_CONNECTION = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|connection \S+ (to \S+ )?closed|Topology is closed/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; codeName?: unknown; cause?: unknown; errorLabels?: unknown };
  if (typeof e.name === 'string' && UNAVAILABLE.has(e.name)) return true;
  if (e.name === 'MongoServerError' && e.codeName === 'InternalError') return true;
  // a batch of writes reports a broken connection as a bulk error carrying the socket's message
  const message = (err as { message?: unknown }).message;
  if (typeof e.name === 'string' && e.name.startsWith('Mongo') && typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

/** Seconds a client should wait before trying again (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}

/** Notes that oidc-provider answered a request after the database failed (its `server_error` event). */
export const markUnavailable = (ctx: Koa.Context) => {
  ctx.state.databaseUnavailable = true;
};

/** Around oidc-provider: its own 500 for a database failure becomes our translated 503 (page or JSON). */
export function providerDatabaseTrouble(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.state.databaseUnavailable) throw new DatabaseUnavailable('the database did not answer');
  };
}
