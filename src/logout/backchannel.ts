// OIDC Back-Channel Logout 1.0 through our outbox (B16). oidc-provider would POST the logout token itself, once, inside
// the end_session request: a receiver that is down would never hear of it. So its Client#backchannelLogout is made to
// queue a delivery instead, and the worker later calls the library's own implementation (the same signed token:
// iss, aud, iat, exp, jti, sub, sid when the client asks for it, the back-channel logout event, typ logout+jwt).
import type Provider from 'oidc-provider';
import type { OutboxPort } from '../outbox/ports.js';
import { logoutDelivery } from './ports.js';
import type { PendingLogout } from './worker.js';

type Send = (this: { clientId: string }, sub: string, sid?: string) => Promise<void>;

export function routeBackchannelLogoutThroughOutbox(provider: Provider, outbox: OutboxPort<'logout'>, clock: () => Date): (d: PendingLogout) => Promise<void> {
  const proto = provider.Client.prototype as unknown as { backchannelLogout: Send };
  const send = proto.backchannelLogout;
  proto.backchannelLogout = async function queue(this: { clientId: string }, sub: string, sid?: string) {
    await outbox.enqueue([logoutDelivery({ clientId: this.clientId, accountId: sub, sid: sid ?? null })], clock());
  };
  return async (d) => {
    const client = await provider.Client.find(d.clientId);
    if (!client?.backchannelLogoutUri) throw new Error(`client ${d.clientId} has no backchannel_logout_uri`);
    await send.call(client, d.accountId, d.sid ?? undefined);
  };
}
