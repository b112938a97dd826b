// Consume-once markers: a unique _id insert succeeds exactly once, even where findAndModify is not atomic (FerretDB).
import { Schema, type Connection } from 'mongoose';

export const consumedMarkerSchema = new Schema({
  _id: { type: String, required: true },
  at: { type: Date, required: true, default: () => new Date() },
  owner: { type: String, default: null },
  expiresAt: { type: Date, required: true },
  // the hour expiresAt falls in (src/db/expiry.ts)
  expiresBucket: { type: Number, default: null },
});
consumedMarkerSchema.index({ expiresBucket: 1 });

export const consumedMarkerModel = (conn: Connection) => conn.model('ConsumedMarker', consumedMarkerSchema, 'consumed_markers');
