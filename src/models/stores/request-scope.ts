// What one HTTP request remembers of the database (AsyncLocalStorage): each store keeps its own slot, created on
// first use; and work the request leaves for after its answer. Outside a request there is no scope: every read and
// write goes to the database, and work for "after the answer" runs at once.
import { AsyncLocalStorage } from 'node:async_hooks';

const scopes = new AsyncLocalStorage<Map<string, unknown>>();
const AFTER_ANSWER = 'after-answer';
// after-answer work still running, so a test can wait for it (requestScope.settled); and a test's hold on new work
const running = new Set<Promise<void>>();
let held: Promise<void> | undefined;

type Task = () => Promise<void>;

function start(tasks: Task[], onError: (err: unknown) => void): void {
  const done = new Promise<void>((resolve) => {
    // setImmediate: after the answer's bytes were handed to the socket (Koa writes them once the middleware settles)
    setImmediate(() => {
      void scopes
        .run(new Map(), async () => {
          await held;
          for (const task of tasks) await task().catch(onError);
        })
        .finally(resolve);
    });
  });
  running.add(done);
  void done.finally(() => running.delete(done));
}

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
  /**
   * Work whose cost must not show in this request's answer (an email that only some answers send: the answer's
   * timing would tell which): it runs after a successful answer has left, in a scope of its own, and is dropped when
   * the request fails.
   */
  afterAnswer(task: Task, onError: (err: unknown) => void = () => {}): void {
    const tasks = requestScope.slot<Task[]>(AFTER_ANSWER, () => []);
    if (tasks) tasks.push(task);
    else start([task], onError);
  },
  /** Starts this request's after-answer work (src/http/unit-of-work.ts, once the answer is ready). */
  answered(onError: (err: unknown) => void): void {
    const tasks = requestScope.slot<Task[]>(AFTER_ANSWER, () => []);
    if (tasks?.length) start(tasks.splice(0), onError);
  },
  /** Holds after-answer work back until the returned release is called (tests that time the answers alone). */
  hold(): () => void {
    let release = () => {};
    held = new Promise<void>((resolve) => {
      release = () => {
        held = undefined;
        resolve();
      };
    });
    return release;
  },
  /** Resolves once no after-answer work is running (tests). */
  async settled(): Promise<void> {
    while (running.size) await Promise.all(running);
  },
};
