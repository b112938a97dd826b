// A size cap on the range API's answers for the global fetch, which the hibp package calls without a dispatcher of
// its own: requests to a capped origin go through an undici Agent with `maxResponseSize` (a larger body is dropped
// as it arrives, the connection closed), every other origin through the dispatcher that was there before.
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';

const agents = new Map<string, Agent>();
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
  agents.set(origin, new Agent({ maxResponseSize: maxBytes }));
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
