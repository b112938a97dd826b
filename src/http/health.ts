// GET /healthz (the process answers; nothing else is touched) and GET /readyz (the database answers a ping and the
// signing keys are loaded), for load balancers and orchestrators. Short JSON, no internals, never cached.
import type Koa from 'koa';

export interface Readiness {
  /** Resolves when the database answered a ping; rejects or never resolves otherwise. */
  pingDatabase(): Promise<unknown>;
  signingKeysLoaded(): boolean;
}

/** A ping slower than this counts as "database unavailable" (requests fail after about 2 s then too). */
export const READY_TIMEOUT_MS = 1_500;

type Verdict = { ready: true } | { ready: false; reason: 'database' | 'signing_keys' };

export function healthEndpoints(readiness: Readiness): Koa.Middleware {
  // probes from many balancers at once share one ping, so they cost the database at most one command at a time
  let checking: Promise<Verdict> | undefined;
  const check = async (): Promise<Verdict> => {
    if (!readiness.signingKeysLoaded()) return { ready: false, reason: 'signing_keys' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    });
    const answered = await Promise.race([readiness.pingDatabase().then(() => true, () => false), timeout]);
    clearTimeout(timer);
    return answered ? { ready: true } : { ready: false, reason: 'database' };
  };

  return async (ctx, next) => {
    if (ctx.path !== '/healthz' && ctx.path !== '/readyz') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    checking ??= check().finally(() => {
      checking = undefined;
    });
    const verdict = await checking;
    ctx.status = verdict.ready ? 200 : 503;
    ctx.body = verdict.ready ? { status: 'ok' } : { status: 'unavailable', reason: verdict.reason };
  };
}
