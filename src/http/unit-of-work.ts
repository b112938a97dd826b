// One unit of work per request: oidc_payloads documents are read once, and the writes leave together just before
// the response, so a failed write becomes an error response instead of a success that was never stored.
import type Koa from 'koa';
import type { PayloadStore } from '../models/stores/payloads.js';
import { requestScope } from '../models/stores/request-scope.js';

export function unitOfWork(store: Pick<PayloadStore, 'flush'>): Koa.Middleware {
  return (_ctx, next) =>
    requestScope.run(async () => {
      await next();
      await store.flush();
    });
}
