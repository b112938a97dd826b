// Consecutive-failure counters per account or client address, for throttling and temporary lock-outs (B2).
import { Schema, type Connection } from 'mongoose';

export const failureCounterSchema = new Schema({
  _id: { type: String, required: true },
  failures: { type: Number, required: true, default: 0 },
  lastFailureAt: { type: Date, default: null },
  expiresAt: { type: Date, required: true },
});

export const failureCounterModel = (conn: Connection) => conn.model('FailureCounter', failureCounterSchema, 'failure_counters');
