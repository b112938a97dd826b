// "Back to <client>" on Security & ID and the admin console: a page opened with ?client_id=…&return_to=… remembers a
// valid target for the visit in a signed cookie (it survives the sign-in round trip, costs no database write), and every
// page re-checks the remembered target against the client registry before it shows the link. Anything else is ignored.
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import { returnTarget, type ReturnClient } from './return-target.js';

export interface BackLink {
  href: string;
  clientName: string;
}

// the visit: at most as long as a provider session can last (12 h absolute)
const MAX_AGE_MS = 12 * 60 * 60 * 1000;
const CLIENT_ID = /^[\w.-]{1,100}$/;

interface Remembered {
  c: string;
  u: string;
}

const encode = (r: Remembered) => Buffer.from(JSON.stringify(r)).toString('base64url');
function decode(value: string | undefined): Remembered | undefined {
  if (!value) return undefined;
  try {
    const r = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Remembered>;
    return typeof r.c === 'string' && typeof r.u === 'string' ? { c: r.c, u: r.u } : undefined;
  } catch {
    return undefined;
  }
}

export interface BackLinkOptions {
  issuer: string;
  findClient(clientId: string): Promise<ReturnClient | undefined>;
}

export function backLinks(opts: BackLinkOptions): Koa.Middleware {
  const secure = opts.issuer.startsWith('https://');
  const name = `${secure ? '__Host-' : ''}back-to`;
  const cookie = { httpOnly: true, secure, sameSite: 'lax' as const, path: '/', signed: true, overwrite: true, maxAge: MAX_AGE_MS };
  const issuerOrigin = new URL(opts.issuer).origin;

  async function resolve(clientId: unknown, returnTo: unknown) {
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return undefined;
    const target = returnTarget(await opts.findClient(clientId).catch(() => undefined), returnTo);
    // the provider's own consoles are not a way back to a till
    if (!target || new URL(target.href).origin === issuerOrigin) return undefined;
    return { clientId, ...target };
  }

  return async function backLink(ctx, next) {
    let link: Awaited<ReturnType<typeof resolve>>;
    if (ctx.method === 'GET' && ctx.query.client_id !== undefined) {
      link = await resolve(ctx.query.client_id, ctx.query.return_to);
      if (link) ctx.cookies.set(name, encode({ c: link.clientId, u: link.href }), cookie);
    }
    if (!link) {
      const remembered = decode(ctx.cookies.get(name, { signed: true }));
      if (remembered) link = await resolve(remembered.c, remembered.u);
    }
    (ctx.state as { backLink?: BackLink }).backLink = link && { href: link.href, clientName: link.clientName };
    await next();
  };
}

/** The back-link middleware over the provider's client registry. */
export const providerBackLinks = (provider: Provider, issuer: string): Koa.Middleware =>
  backLinks({ issuer, findClient: async (id) => (await provider.Client.find(id)) as ReturnClient | undefined });

/** The link a page of this request shows, when there is one. */
export const backLinkOf = (ctx: Koa.Context): BackLink | undefined => (ctx.state as { backLink?: BackLink }).backLink;
