// Generated deployment secrets (development only): created once, shared by every instance through the database.
import { Schema, type Connection } from 'mongoose';

export const appSecretSchema = new Schema({
  _id: { type: String, required: true },
  value: { type: String, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
});

export const appSecretModel = (conn: Connection) => conn.model('AppSecret', appSecretSchema, 'app_secrets');
