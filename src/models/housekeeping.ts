// Housekeeping progress shared by every instance: how far the expiry sweep has come (src/db/sweeper.ts).
import { Schema, type Connection } from 'mongoose';

export const housekeepingSchema = new Schema({
  _id: { type: String, required: true },
  // the last minute bucket whose expired documents are all gone
  through: { type: Number, required: true },
  at: { type: Date, required: true },
});

export const housekeepingModel = (conn: Connection) => conn.model('Housekeeping', housekeepingSchema, 'housekeeping');
