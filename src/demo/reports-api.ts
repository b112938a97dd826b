// Demo resource server ("partner reports API"): accepts JWT access tokens and demands MFA (reports) or a phishing-
// resistant sign-in with a passkey (payouts) with an RFC 9470 challenge.
import type Koa from 'koa';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export const MFA_ACR = 'urn:pos-idp:acr:mfa';
export const PHR_ACR = 'urn:pos-idp:acr:phr';
// the levels each demand accepts, weakest first: a passkey sign-in (phr) is MFA too
const ACCEPTED = { mfa: [MFA_ACR, PHR_ACR], phr: [PHR_ACR] } as const;
// how recent the authentication must be for reports (seconds)
export const REPORTS_MAX_AGE = 3600;

export interface ReportsApiOptions {
  issuer: string;
  jwksUri: string;
  audience: string;
  /** what this route demands: MFA (default) or a phishing-resistant factor */
  level?: keyof typeof ACCEPTED;
}

const challenge = (ctx: Koa.Context, error: string, description: string, extra = '') => {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', `Bearer error="${error}", error_description="${description}"${extra}`);
  ctx.body = { error, error_description: description };
};

export function reportsApi(opts: ReportsApiOptions): Koa.Middleware {
  const accepted: readonly string[] = ACCEPTED[opts.level ?? 'mfa'];
  const jwks = createRemoteJWKSet(new URL(opts.jwksUri));
  return async (ctx) => {
    const header = ctx.get('authorization');
    const token = /^Bearer ([\w.-]+)$/.exec(header)?.[1];
    if (!token) return challenge(ctx, 'invalid_request', 'a bearer access token is required');
    let claims: JWTPayload & { acr?: string; auth_time?: number; amr?: string[] };
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer: opts.issuer, audience: opts.audience, typ: 'at+jwt' }));
    } catch {
      return challenge(ctx, 'invalid_token', 'the access token is not valid');
    }
    const fresh = typeof claims.auth_time === 'number' && Date.now() / 1000 - claims.auth_time <= REPORTS_MAX_AGE;
    if (!claims.acr || !accepted.includes(claims.acr) || !fresh) {
      // RFC 9470 section 3: tell the client which authentication level (and freshness) would do
      const what = opts.level === 'phr' ? 'a passkey sign-in is required for payouts' : 'multi-factor authentication is required for reports';
      return challenge(ctx, 'insufficient_user_authentication', what, `, acr_values="${accepted[0]}", max_age=${REPORTS_MAX_AGE}`);
    }
    ctx.body = {
      report: opts.level === 'phr' ? 'Payouts' : 'Daily sales',
      store: claims.store ?? null,
      user: claims.sub,
      authenticated: { acr: claims.acr, amr: claims.amr, auth_time: claims.auth_time },
      rows: [
        { outlet: 'Main street', sales: 1234.5 },
        { outlet: 'Station', sales: 987.25 },
      ],
    };
  };
}
