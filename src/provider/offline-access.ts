// offline_access as asked: OIDC Core §11 lets the OP keep it without prompt=consent when "other conditions ... are in
// place"; every client here is first-party and its consent is recorded without a page (loadExistingGrant), so a
// client that may refresh (grant_types has refresh_token) keeps the offline_access it asked for. oidc-provider drops
// it before our code sees the request; this puts it back, so the granted scope states the refresh token it gets.
import { decodeJwt } from 'jose';
import type { Client, KoaContextWithOIDC } from 'oidc-provider';

// The scope as the client sent it: the query (or form), or the request the client pushed (PAR) before.
function askedScope(ctx: KoaContextWithOIDC): string | undefined {
  const pushed = ctx.oidc.entities.PushedAuthorizationRequest?.request;
  let scope: unknown;
  if (typeof pushed === 'string') scope = decodeJwt(pushed).scope;
  else scope = (ctx.method === 'POST' ? (ctx.oidc.body as Record<string, unknown> | undefined) : ctx.query)?.scope;
  return typeof scope === 'string' ? scope : undefined;
}

/** An `extraParams` validator on `scope`: oidc-provider runs it after its own checks, present or not. */
export async function keepOfflineAccess(ctx: KoaContextWithOIDC, value: string | undefined, client: Client): Promise<void> {
  const { params } = ctx.oidc;
  const granted = new Set((value ?? '').split(' ').filter(Boolean));
  if (!params || granted.has('offline_access') || !client.grantTypeAllowed('refresh_token')) return;
  if (!askedScope(ctx)?.split(' ').includes('offline_access')) return;
  granted.add('offline_access');
  params.scope = [...granted].join(' ');
}
