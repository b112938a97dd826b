// What one HTTP request remembers of the database (AsyncLocalStorage): each store keeps its own slot, created on
// first use. Outside a request there is no scope and every read and write goes to the database.
import { AsyncLocalStorage } from 'node:async_hooks';

const scopes = new AsyncLocalStorage<Map<string, unknown>>();

export const requestScope = {
  run<T>(fn: () => Promise<T>): Promise<T> {
    return scopes.run(new Map(), fn);
  },
  /** This request's slot `name`, made by `init` the first time; undefined outside a request. */
  slot<T>(name: string, init: () => T): T | undefined {
    const scope = scopes.getStore();
    if (!scope) return undefined;
    if (!scope.has(name)) scope.set(name, init());
    return scope.get(name) as T;
  },
};
