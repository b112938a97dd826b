// One unit of work per request: oidc_payloads documents are read once, and the writes leave together just before
// the response, so a failed write becomes an error response instead of a success that was never stored. Work the
// request left for after its answer (requestScope.afterAnswer) starts once the answer is on its way.
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { PayloadStore } from '../models/stores/payloads.js';
import { requestScope } from '../models/stores/request-scope.js';

export function unitOfWork(store: Pick<PayloadStore, 'flush'>, logger: Pick<Logger, 'error'>): Koa.Middleware {
  return (_ctx, next) =>
    requestScope.run(async () => {
      await next();
      await store.flush();
      requestScope.answered((err) => logger.error({ err }, 'work after the answer failed'));
    });
}
