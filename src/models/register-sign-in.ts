// The day's full sign-ins on a trusted register (B19): who may switch back in with a PIN there, until when, and how
// many wrong PINs they have had since.
import { Schema, type Connection } from 'mongoose';

export const registerSignInSchema = new Schema({
  registerId: { type: Schema.Types.ObjectId, required: true },
  storeId: { type: Schema.Types.ObjectId, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  // the last full sign-in (password + second factor, or a passkey) in a browser holding the register cookie
  fullAt: { type: Date, required: true },
  // the end of the store's business day of that sign-in: no PIN switch after it
  validUntil: { type: Date, required: true },
  pinFailures: { type: Number, default: 0 },
  // set by the 5th wrong PIN: no PIN switch until the next full sign-in there
  endedAt: { type: Date, default: null },
  // auth_time (seconds) of the last PIN switch: tokens of that switch name this register
  lastSwitchAt: { type: Number, default: null },
  registerName: { type: String, required: true },
  // kept a while after validUntil so refreshed tokens of a switch still name their register; then swept
  expiresAt: { type: Date, required: true },
});

registerSignInSchema.index({ registerId: 1, userId: 1 }, { unique: true });
registerSignInSchema.index({ userId: 1, lastSwitchAt: 1 });

export const registerSignInModel = (conn: Connection) => conn.model('RegisterSignIn', registerSignInSchema, 'register_sign_ins');
