// The range API's answers for the global fetch, which the hibp package calls without a dispatcher of its own: requests
// to a capped origin go through an undici Agent with `maxResponseSize` (a larger body is dropped as it arrives, the
// connection closed) that also refuses a redirect (fetch would follow it to a range that might say "not breached":
// checklist 20); every other origin goes through the dispatcher that was there before.
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';

const agents = new Map<string, Dispatcher>();

/** The error a refused redirect of the range API fails with. */
export class RedirectRefused extends Error {
  constructor(readonly statusCode: number) {
    super(`range API answered ${statusCode} (a redirect is not followed)`);
  }
}

// Passes everything on, but ends a 3xx answer with RedirectRefused before fetch can see it.
const refuseRedirects: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) =>
  dispatch(opts, {
    onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
    onResponseStart(controller, statusCode, headers, statusMessage) {
      if (statusCode >= 300 && statusCode < 400) return controller.abort(new RedirectRefused(statusCode));
      return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
    onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
    onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
  });
let installed = false;

const originOf = (value: unknown): string | undefined => {
  try {
    return new URL(String(value)).origin;
  } catch {
    return undefined;
  }
};

/** Every fetch to `url`'s origin from now on reads at most `maxBytes` of a response body (else it fails). */
export function capResponses(url: string, maxBytes: number): void {
  const origin = originOf(url);
  if (!origin) throw new Error(`not a URL: ${url}`);
  agents.set(origin, new Agent({ maxResponseSize: maxBytes }).compose(refuseRedirects));
  if (installed) return;
  const previous = getGlobalDispatcher();
  const route: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const capped = agents.get(originOf(opts.origin) ?? '');
    return capped ? capped.dispatch(opts, handler) : dispatch(opts, handler);
  };
  setGlobalDispatcher(previous.compose(route));
  installed = true;
}

/** The failure of a fetch that met the cap (the error sits in the cause chain of fetch's TypeError). */
export function exceededCap(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return true;
  }
  return false;
}
