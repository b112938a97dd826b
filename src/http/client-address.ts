// The client's address behind trusted proxies (B2, audit): read X-Forwarded-For from the right, skipping only the
// hops we trust, never the client-supplied leftmost value. TRUST_PROXY is a number of hops or a list of proxy addresses.
import { isIP } from 'node:net';
import type Koa from 'koa';

export type TrustedProxies = { hops: number } | { addresses: string[] };

export function parseTrustProxy(value: string | undefined): TrustedProxies {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0' || v === 'no') return { hops: 0 };
  if (v === 'true' || v === 'yes') return { hops: 1 };
  if (/^\d+$/.test(v)) return { hops: Number(v) };
  const addresses = v.split(',').map((a) => a.trim()).filter(Boolean);
  const bad = addresses.find((a) => !isIP(a));
  if (bad) throw new Error(`TRUST_PROXY: "${bad}" is neither a number of hops nor an IP address`);
  return { addresses };
}

const plain = (address: string) => address.replace(/^::ffff:/, '');

/** The address a request came from, given who may speak for it. */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const chain = (forwardedFor ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if ('hops' in trusted) {
    if (trusted.hops === 0 || chain.length === 0) return plain(peer);
    // each trusted proxy appended the address it saw: the client is hops entries from the right
    return plain(chain[Math.max(0, chain.length - trusted.hops)] ?? peer);
  }
  const isTrusted = (a: string) => trusted.addresses.includes(plain(a));
  if (!isTrusted(peer)) return plain(peer);
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i] ?? '';
    if (!isTrusted(hop)) return plain(hop);
  }
  return plain(chain[0] ?? peer);
}

export const trustsProxies = (t: TrustedProxies) => ('hops' in t ? t.hops > 0 : t.addresses.length > 0);

/** Sets ctx.ip once, for every layer after it (throttling, audit, oidc-provider). */
export function clientAddressLayer(trusted: TrustedProxies): Koa.Middleware {
  return (ctx, next) => {
    ctx.request.ip = clientAddress(ctx.req.socket.remoteAddress ?? '', ctx.get('x-forwarded-for') || undefined, trusted);
    return next();
  };
}
