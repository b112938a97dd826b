// Personal quick-switch PINs (B19): argon2id hashes, one per user, kept apart from the user record.
import { Schema, type Connection } from 'mongoose';

export const userPinSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  hash: { type: String, required: true },
  setAt: { type: Date, required: true },
});

userPinSchema.index({ userId: 1 }, { unique: true });

export const userPinModel = (conn: Connection) => conn.model('UserPin', userPinSchema, 'user_pins');
