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
});
oidcPayloadSchema.index({ model: 1, grantId: 1 });
oidcPayloadSchema.index({ model: 1, uid: 1 });
oidcPayloadSchema.index({ model: 1, userCode: 1 });
oidcPayloadSchema.index({ accountId: 1 });

export const oidcPayloadModel = (conn: Connection) => conn.model('OidcPayload', oidcPayloadSchema, 'oidc_payloads');
