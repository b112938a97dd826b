// Failed attempts per account or client address, one document each: counting inserts loses nothing under
// concurrency, where an $inc read-modify-write on FerretDB can (B2; DESIGN.md rule 8).
import { Schema, type Connection } from 'mongoose';

export const failureEventSchema = new Schema({
  key: { type: String, required: true },
  at: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
failureEventSchema.index({ key: 1, at: -1 });

export const failureEventModel = (conn: Connection) => conn.model('FailureEvent', failureEventSchema, 'failure_events');
