// A generic browser-style sign-in: follow redirects by hand with a cookie jar, fill whatever known form a page shows, until the callback.
import type { BenchUser } from './target.js';
import { CookieJar } from './cookies.js';
import { describePage, type HtmlForm, parseForms } from './html.js';
import { authorizationRequest, codeFrom, codeGrant, type OidcClient, REQUEST_TIMEOUT_MS, refreshGrant, tokenRequest } from './oidc.js';

const MAX_HOPS = 10;
const MAX_PAGES = 12;

/** Form field name -> the value to type for a user (called only when a page shows that field, e.g. the TOTP code). */
export type FieldValues = Record<string, (user: BenchUser) => string | Promise<string>>;

export interface FormBrowserOptions {
  /** Names the server in error messages. */
  name: string;
  client: OidcClient;
  fields: FieldValues;
  /**
   * Forms never to fill although they ask for a known field: another factor's page asking for a "code" (ours: the
   * recovery-code form) must not get the TOTP code. Landing on one fails the sign-in, naming the page.
   */
  skipForm?: (form: HtmlForm) => boolean;
}

export interface FormBrowser {
  signIn(user: BenchUser): Promise<{ refreshToken: string }>;
  refresh(refreshToken: string): Promise<string>;
}

type Landing = { kind: 'page'; url: string; html: string; status: number } | { kind: 'callback'; url: URL };

export function createFormBrowser(opts: FormBrowserOptions): FormBrowser {
  const { client, name } = opts;
  const fields = new Map(Object.entries(opts.fields));
  const callback = new URL(client.redirectUri);
  const isCallback = (u: URL) => u.origin === callback.origin && u.pathname === callback.pathname;

  /** One request with the jar; follows redirects by hand until a page or the client's redirect URI. */
  async function go(jar: CookieJar, url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<Landing> {
    let current = url;
    let method = init.method ?? 'GET';
    let body: URLSearchParams | undefined = init.form;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const cookie = jar.header();
      const res = await fetch(current, {
        method,
        redirect: 'manual',
        headers: {
          accept: 'text/html',
          'accept-language': 'en',
          'user-agent': 'mfa-idp-bench',
          ...(cookie ? { cookie } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      jar.store(res);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        const next = new URL(location, current);
        if (isCallback(next)) return { kind: 'callback', url: next };
        current = next.href;
        // 307/308 repeat the request as it was; the others become a GET
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { kind: 'page', url: current, html: await res.text(), status: res.status };
    }
    throw new Error(`${name} sign-in: more than ${MAX_HOPS} redirects from ${url}`);
  }

  const knownFields = (form: HtmlForm) => (opts.skipForm?.(form) ? [] : [...form.inputs.keys()].filter((k) => fields.has(k)));
  const selfSubmitting = (html: string) => /document\.forms\[0\]\.submit\(\)|\.requestSubmit\(\)/.test(html);

  async function submit(jar: CookieJar, page: Extract<Landing, { kind: 'page' }>, form: HtmlForm, user: BenchUser): Promise<Landing> {
    const params = new URLSearchParams();
    // every other input keeps its value (hidden csrf, flow ids...); the known ones get the user's
    for (const [k, v] of form.inputs) {
      const fill = fields.get(k);
      params.set(k, fill ? await fill(user) : v);
    }
    const action = new URL(form.action || page.url, page.url);
    if (form.method === 'post') return go(jar, action.href, { method: 'POST', form: params });
    action.search = params.toString();
    return go(jar, action.href);
  }

  async function signIn(user: BenchUser): Promise<{ refreshToken: string }> {
    const who = `${name} sign-in of ${user.username}`;
    const jar = new CookieJar();
    const request = authorizationRequest(client);
    let landing = await go(jar, request.url);
    // the pages so far, by the known fields their form asked for: a page that comes back means it rejected the input
    const trail: string[] = [];
    const path = () => trail.map((t) => `[${t}]`).join(' -> ');
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      if (landing.kind === 'callback') {
        const code = codeFrom(landing.url, request, who);
        const tokens = await tokenRequest(client, codeGrant(client, code, request.verifier), `${who}: code exchange`);
        return { refreshToken: tokens.refresh_token };
      }
      // the happy path never answers an error: a refused field (a wrong code, a form of another step) fails at once
      if (landing.status >= 400) throw new Error(`${who}: after ${path() || 'authorize'}: HTTP ${landing.status} ${describePage(landing.html)}`);
      const forms = parseForms(landing.html);
      const form = forms.find((f) => knownFields(f).length > 0);
      if (!form) {
        const auto = forms[0];
        if (auto && selfSubmitting(landing.html)) {
          landing = await submit(jar, landing, auto, user);
          continue;
        }
        throw new Error(`${who}: after ${path() || 'authorize'}: HTTP ${landing.status} ${describePage(landing.html)} has none of the fields ${[...fields.keys()].join(', ')}`);
      }
      const signature = knownFields(form).sort().join(',');
      if (trail.includes(signature)) {
        throw new Error(`${who}: the [${signature}] page came back after ${path()}: HTTP ${landing.status} ${describePage(landing.html)}`);
      }
      trail.push(signature);
      landing = await submit(jar, landing, form, user);
    }
    throw new Error(`${who}: still no redirect to the client after ${path()}`);
  }

  async function refresh(refreshToken: string): Promise<string> {
    return (await tokenRequest(client, refreshGrant(refreshToken), `${name} refresh`)).refresh_token;
  }

  return { signIn, refresh };
}
