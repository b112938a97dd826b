// Temporary access passes (B17): a one-time code an admin (or the operator, or the user's verified email) gives a user
// so that binding a first authenticator needs more than the password. Only a keyed hash of the pass is stored.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

export const accessPassSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  storeId: { type: Schema.Types.ObjectId, required: true },
  hash: { type: String, required: true },
  // 'new_user' | 'reset' | 'request' | 'operator' | 'email'
  reason: { type: String, required: true },
  createdBy: { type: Schema.Types.ObjectId, default: null },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
  revokedAt: { type: Date, default: null },
});
accessPassSchema.index({ userId: 1, hash: 1 });

export type AccessPassDoc = InferSchemaType<typeof accessPassSchema> & { _id: Types.ObjectId };

export const accessPassModel = (conn: Connection) => conn.model('AccessPass', accessPassSchema, 'access_passes');
