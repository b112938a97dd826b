// How long each artifact lives, in seconds (the table in docs/integrators.md "Tokens: what a relying party can rely on").
import type { AccessToken, Configuration, RefreshToken, Session } from 'oidc-provider';
import { MAX_SESSION_HOURS } from './session-activity.js';

/** A refresh token chain ends this long after its first token was issued; rotation never extends it (checklist 81). */
export const REFRESH_TOKEN_ABSOLUTE_SECONDS = 12 * 3600;

// `iiat` is when the first refresh token of the chain was issued: oidc-provider sets it on the first one and copies
// it to every rotated successor, so each successor expires at the same absolute time as the first.
export function refreshTokenTtl(_ctx: unknown, token: RefreshToken): number {
  const now = Math.floor(Date.now() / 1000);
  const first = token.iiat ?? token.iat ?? now;
  return Math.max(1, first + REFRESH_TOKEN_ABSOLUTE_SECONDS - now);
}

// A session document is kept at most the longest absolute lifetime a store may choose after its sign-in; the store's own
// idle and absolute limits are checked whenever it is read (src/provider/session-activity.ts, mongo-adapter.ts).
export function sessionTtl(_ctx: unknown, session: Session): number {
  const now = Math.floor(Date.now() / 1000);
  const start = session.loginTs ?? now;
  return Math.max(1, start + MAX_SESSION_HOURS * 3600 - now);
}

// 10 minutes, unless the resource server sets its own (manager approvals: 2 minutes, config/resource-servers.json)
export const accessTokenTtl = (_ctx: unknown, token: AccessToken): number => token.resourceServer?.accessTokenTTL ?? 600;

export const TTL: NonNullable<Configuration['ttl']> = {
  AccessToken: accessTokenTtl,
  AuthorizationCode: 60,
  // B25: a device's code (RFC 8628 expires_in): enough to walk to the back office and sign in, no more
  DeviceCode: 300,
  IdToken: 3600,
  Interaction: 3600,
  Grant: 12 * 3600,
  Session: sessionTtl,
  RefreshToken: refreshTokenTtl,
};
