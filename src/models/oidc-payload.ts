// oidc-provider artefacts (sessions, codes, tokens...): payload kept as a JSON string because its keys may contain dots.
import { Schema, type Connection } from 'mongoose';

export const oidcPayloadSchema = new Schema({
  _id: { type: String, required: true },
  model: { type: String, required: true },
  payload: { type: String, required: true },
  grantId: { type: String, default: null },
  userCode: { type: String, default: null },
  uid: { type: String, default: null },
  accountId: { type: String, default: null },
  consumed: { type: Number, default: null },
  expiresAt: { type: Date, default: null },
  // the hour expiresAt falls in (src/db/expiry.ts)
  expiresBucket: { type: Number, default: null },
  // an Interaction's sign-in flow state (src/flow/store.ts), as a JSON string
  flow: { type: String, default: null },
  // tokens: their grant's payload when written, and its expiry (src/models/stores/payloads.ts)
  grant: { type: String, default: null },
  grantExpiresAt: { type: Date, default: null },
  // Sessions: the browser that last used it, when, and the clients to tell by back-channel logout when it ends
  // (src/provider/session-activity.ts); [{ clientId, sid }] as a JSON string
  userAgent: { type: String, default: null },
  ip: { type: String, default: null },
  lastUsedAt: { type: Date, default: null },
  logoutTargets: { type: String, default: null },
});
// lookups by _id use the primary key; these serve the lifted fields (one exact value each)
oidcPayloadSchema.index({ grantId: 1 });
oidcPayloadSchema.index({ uid: 1 });
oidcPayloadSchema.index({ userCode: 1 });
oidcPayloadSchema.index({ accountId: 1 });
oidcPayloadSchema.index({ expiresBucket: 1 });

export const oidcPayloadModel = (conn: Connection) => conn.model('OidcPayload', oidcPayloadSchema, 'oidc_payloads');
