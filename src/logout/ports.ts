// What a back-channel logout delivery is (B16): one per client and ended session, queued once however often it ends.
import type { LogoutPayload, NewDelivery } from '../outbox/ports.js';

export type LogoutTarget = LogoutPayload;

/** The delivery telling `target.clientId` that a session ended; its key makes a second queueing of it a no-op. */
export const logoutDelivery = (target: LogoutTarget): NewDelivery<'logout'> => ({ ...target, key: `${target.clientId}:${target.sid ?? target.accountId}` });
