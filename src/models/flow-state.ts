// Server-side page state of Security & ID (a set-up under way, codes just shown), keyed by session; never from the browser.
import { Schema, type Connection } from 'mongoose';

export const flowStateSchema = new Schema({
  _id: { type: String, required: true },
  data: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});

export const flowStateModel = (conn: Connection) => conn.model('FlowState', flowStateSchema, 'flow_states');
