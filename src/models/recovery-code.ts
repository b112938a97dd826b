// Recovery codes, stored only as peppered hashes; usedAt marks a consumed code.
import { Schema, type Connection } from 'mongoose';

export const recoveryCodeSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  hash: { type: String, required: true },
  // a new batch replaces the old one; codes of older batches never match
  batch: { type: String, required: true },
  usedAt: { type: Date, default: null },
  // while the batch may still be one that never became active: the minute its grace ends (src/models/stores/recovery-codes.ts)
  pendingBucket: { type: Number, default: null },
});
recoveryCodeSchema.index({ userId: 1, hash: 1 }, { unique: true });
recoveryCodeSchema.index({ pendingBucket: 1 });

export const recoveryCodeModel = (conn: Connection) => conn.model('RecoveryCode', recoveryCodeSchema, 'recovery_codes');
