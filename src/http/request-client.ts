// Who is making this request (address and browser), for the records written during it: the provider session's
// "device in words" and "approximate place" (B15) are taken from here by the storage adapter.
import type Koa from 'koa';
import { requestScope } from '../models/stores/request-scope.js';

export interface RequestClient {
  ip: string;
  userAgent: string;
}

const SLOT = 'client';

/** Must run inside the unit of work's request scope (src/http/unit-of-work.ts). */
export function requestClient(): Koa.Middleware {
  return (ctx, next) => {
    requestScope.slot<RequestClient>(SLOT, () => ({ ip: ctx.ip, userAgent: ctx.get('user-agent').slice(0, 400) }));
    return next();
  };
}

/** The current request's client; undefined outside a request (workers, the operator CLI). */
export const currentClient = (): RequestClient | undefined => requestScope.slot<RequestClient | undefined>(SLOT, () => undefined);
