// B20: POST /approvals/redeem — a POS's backend uses a manager's approval token once: the provider checks it is its
// own, unexpired, for this client, naming exactly the transaction being booked, and claims it with a consume-once
// marker (one insert wins, on every instance and server kind), so single use holds for every POS without its own store.
import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import type { Provider } from 'oidc-provider';
import { z } from 'zod';
import type { Services } from '../container.js';
import { formBody } from '../http/form.js';
import { bodyParser } from '../http/request-body.js';
import { APPROVAL_TYPE, approvalDetailSchema, sameTransaction, type ApprovedDetail } from '../services/approval/details.js';

export interface RedeemDeps {
  provider: Provider;
  services: Services;
  issuer: string;
  /** the provider's signing keys; only their public parts are used */
  jwks: { keys: JWK[] };
  /** resource indicators whose tokens may carry approvals */
  audiences: string[];
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']);
const publicOf = (jwks: { keys: JWK[] }): JSONWebKeySet => ({
  keys: jwks.keys.filter((k) => k.kty !== 'oct').map((k) => Object.fromEntries(Object.entries(k).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as JWK),
});

const bookingSchema = z.object({
  token: z.string().min(1).max(8192),
  action: z.string().max(40),
  amount: z.string().max(20),
  currency: z.string().max(3),
  register: z.string().max(60),
  transaction_id: z.string().max(64),
});

const approvedSchema = approvalDetailSchema.extend({
  cashier: z.object({ sub: z.string(), name: z.string() }),
  approver: z.object({ sub: z.string(), name: z.string(), role: z.string(), acr: z.string(), amr: z.array(z.string()), auth_time: z.number() }),
});

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

// client_secret_basic (RFC 6749 §2.3.1: id and secret form-urlencoded before base64)
function basicCredentials(header: string): { id: string; secret: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    return undefined;
  }
}

const answer = (ctx: Koa.Context, status: number, body: Record<string, unknown>) => {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
};

export function approvalRedeemRouter(deps: RedeemDeps): Router {
  const { services } = deps;
  const keys = createLocalJWKSet(publicOf(deps.jwks));
  const router = new Router();

  router.post('/approvals/redeem', bodyParser({ json: false }), async (ctx) => {
    const credentials = basicCredentials(ctx.get('authorization'));
    const client = credentials && (await deps.provider.Client.find(credentials.id));
    if (!credentials || !client?.clientSecret || !equal(client.clientSecret, credentials.secret)) {
      ctx.set('WWW-Authenticate', 'Basic realm="approvals"');
      return answer(ctx, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    }
    const booking = bookingSchema.safeParse(formBody(ctx));
    if (!booking.success) return answer(ctx, 400, { error: 'invalid_request', error_description: 'token, action, amount, currency, register and transaction_id are required' });

    let detail: ApprovedDetail;
    let jti: string;
    let exp: number;
    try {
      const { payload } = await jwtVerify(booking.data.token, keys, { issuer: deps.issuer, audience: deps.audiences, typ: 'at+jwt', currentDate: services.clock() });
      if (payload.client_id !== client.clientId || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') throw new Error('not this client’s token');
      const details = Array.isArray(payload.authorization_details) ? payload.authorization_details : [];
      const approvals = details.filter((d) => (d as { type?: unknown }).type === APPROVAL_TYPE);
      if (approvals.length !== 1) throw new Error('no approval in the token');
      detail = approvedSchema.parse(approvals[0]) as ApprovedDetail;
      jti = payload.jti;
      exp = payload.exp;
    } catch {
      return answer(ctx, 400, { error: 'invalid_token', error_description: 'the approval token is not valid, or has expired' });
    }

    const event = (type: string, extra: Record<string, unknown> = {}) =>
      services.users.byId(detail.cashier.sub).then((cashier) =>
        services.audit.record({
          type,
          userId: detail.cashier.sub,
          storeId: cashier?.storeId ?? null,
          actorId: detail.approver.sub,
          ip: ctx.ip,
          userAgent: ctx.get('user-agent'),
          details: { clientId: client.clientId, action: detail.action, amount: detail.amount, currency: detail.currency, register: detail.register, transaction_id: detail.transaction_id, cashier_id: detail.cashier.sub, ...extra },
        }),
      );

    // another amount, transaction or register than approved: refused, and the approval stays usable for the real one
    if (!sameTransaction(detail, booking.data)) {
      await event('approval.mismatch_refused', { asked: { action: booking.data.action, amount: booking.data.amount, currency: booking.data.currency, register: booking.data.register, transaction_id: booking.data.transaction_id } });
      return answer(ctx, 409, { error: 'approval_mismatch', error_description: 'the transaction is not the one the manager approved' });
    }
    const first = await services.once.claim({ key: `approval-used:${jti}`, expiresAt: new Date((exp + 60) * 1000) });
    if (!first) {
      await event('approval.reuse_refused');
      return answer(ctx, 409, { error: 'approval_used', error_description: 'this approval was already used' });
    }
    await event('approval.used');
    answer(ctx, 200, { approved: true, authorization_details: [detail] });
  });

  return router;
}
