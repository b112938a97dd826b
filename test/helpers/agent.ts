// A cookie-keeping HTTP user agent for integration tests: follows redirects by hand and reads forms from pages.
export interface Response {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

export class Agent {
  private cookies = new Map<string, string>();

  /** `headers` go with every request (say, the X-Forwarded-For a proxy in front would add). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header this agent would send. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** A header this agent sends with every request. */
  header(name: string): string {
    return this.headers[name] ?? '';
  }

  /** The browser without its provider session and sign-ins in progress (oidc-provider's "_" cookies), as after the
   * session ended; our own cookies (a remembered device, a known device, a register) stay. */
  forgetSession() {
    for (const name of [...this.cookies.keys()]) if (name.startsWith('_')) this.cookies.delete(name);
  }

  setCookie(name: string, value: string | undefined) {
    if (value === undefined) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  private store(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(res.headers);
    return { status: res.status, url, headers: res.headers, body: await res.text() };
  }

  // Follows redirects until a page is shown or the location leaves `stayWithin` (e.g. the RP's callback).
  async follow(url: string, init: { form?: Record<string, string>; stopAt?: string } = {}): Promise<Response> {
    let res = { ...(await this.request(url, init)), url };
    for (let i = 0; i < 20; i++) {
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location')!, res.url).href;
        if (init.stopAt && next.startsWith(init.stopAt)) return { ...res, url: next };
        res = { ...(await this.request(next)), url: next };
      } else if (res.status === 200 && /document\.forms\[0\]\.submit\(\)|<form\b[^>]*data-auto-submit/.test(res.body)) {
        // a self-submitting form (oidc-provider ending the previous user's session, our sign-out with a valid
        // id_token_hint): a browser posts it at once
        const form = formOf(res.body, /data-auto-submit/.test(res.body) ? 'data-auto-submit' : undefined);
        const next = new URL(form.action, res.url).href;
        res = { ...(await this.request(next, { form: form.fields })), url: next };
      } else break;
    }
    return res;
  }
}

// Reads the first form of a page (or the one whose action contains `match`) with its hidden fields.
export function formOf(html: string, match?: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => !match || (f[1] ?? '').includes(match) || (f[2] ?? '').includes(match)) ?? forms[0];
  if (!form) throw new Error(`no form on page:\n${html.slice(0, 2000)}`);
  const action = /action="([^"]*)"/.exec(form[1]!)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/g)) {
    const tag = input[0];
    if (!/type="hidden"/.test(tag)) continue;
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name) fields[name] = value.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  }
  return { action, fields };
}

export const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
