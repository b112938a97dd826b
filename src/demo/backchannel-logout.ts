// The demo POS's back-channel logout endpoint (OIDC Back-Channel Logout 1.0 §2.5-2.8): validates the logout token and
// marks the POS sessions of that sid (or, without a sid, of that sub) signed out; their next request shows it.
import type Koa from 'koa';
import { createRemoteJWKSet, jwtVerify } from 'jose';

export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const MAX_BODY = 16 * 1024;

export interface BackchannelOptions {
  issuer: string;
  jwksUri: string;
  clientId: string;
  /** ends the POS sessions of this provider session (sid) or, when there is no sid, of this user (sub) */
  signOut(by: { sid?: string; sub?: string }): number;
}

async function formBody(ctx: Koa.Context): Promise<URLSearchParams | undefined> {
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function backchannelLogoutEndpoint(opts: BackchannelOptions): Koa.Middleware {
  const jwks = createRemoteJWKSet(new URL(opts.jwksUri));
  // a logout token is used once (§2.6 step 9): jti -> when it may be forgotten
  const seen = new Map<string, number>();
  const refuse = (ctx: Koa.Context, description: string) => {
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: description };
  };
  return async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = (await formBody(ctx))?.get('logout_token');
    if (!token) return refuse(ctx, 'logout_token is missing');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: opts.issuer,
        audience: opts.clientId,
        typ: 'logout+jwt',
        maxTokenAge: '5 minutes',
        requiredClaims: ['iat', 'jti'],
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events !== 'object' || typeof events[LOGOUT_EVENT] !== 'object') return refuse(ctx, 'not a back-channel logout token');
      if ('nonce' in payload) return refuse(ctx, 'a logout token carries no nonce');
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (!sid && !payload.sub) return refuse(ctx, 'neither sid nor sub');
      const now = Date.now();
      for (const [jti, until] of seen) if (until < now) seen.delete(jti);
      if (seen.has(payload.jti as string)) return refuse(ctx, 'logout token replayed');
      seen.set(payload.jti as string, now + 10 * 60_000);
      opts.signOut({ sid, sub: payload.sub });
      ctx.status = 200;
      ctx.body = '';
    } catch (err) {
      refuse(ctx, `invalid logout token: ${(err as Error).message}`);
    }
  };
}
