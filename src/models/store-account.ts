// Store account (tenant): domain prefix, country, integrations and its MFA policy.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { storesWritten } from './written.js';

export const storeAccountSchema = new Schema(
  {
    prefix: { type: String, required: true, unique: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    country: { type: String, required: true, uppercase: true, default: 'NL' },
    integrations: { type: [String], default: [] },
    // the language of emails to users who have never used a page; null: by country (src/services/account/language.ts)
    locale: { type: String, enum: ['en', 'nl', null], default: null },
    policy: {
      requireForManagers: { type: Boolean, default: false },
      requireForEveryone: { type: Boolean, default: false },
      rememberDeviceAllowed: { type: Boolean, default: true },
      rememberDeviceDays: { type: Number, default: 30 },
      // B17: a first authenticator needs a second proof besides the password (src/services/binding), for everyone,
      // except until passwordEnrolmentUntil (a first roll-out)
      passwordEnrolmentUntil: { type: Date, default: null },
      // B15 (checklist 57): a provider session unused this long, or this long after its sign-in, is not used again
      sessionIdleMinutes: { type: Number, default: 60 },
      sessionAbsoluteHours: { type: Number, default: 12 },
      // B21: MFA roll-out per role: the last day ("YYYY-MM-DD", store time) without it; enforced from the next day
      managerMfaBy: { type: String, default: null },
      cashierMfaBy: { type: String, default: null },
      // B19: the store's business day, which bounds quick switching: it starts at this hour in this IANA time zone
      // (null: the zone of the store's country, src/services/quick-switch/business-day.ts)
      timeZone: { type: String, default: null },
      businessDayStartHour: { type: Number, default: 0, min: 0, max: 23 },
    },
    // B21: some role has a roll-out deadline: the roll-out job visits only these stores (an indexed equality)
    rollout: { type: Boolean, default: false },
  },
  { timestamps: true },
);
storeAccountSchema.index({ rollout: 1 });

// a policy change is seen by this instance at once (src/models/stores/user-records.ts)
storeAccountSchema.post(['updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany'], () => storesWritten());
storeAccountSchema.post('save', () => storesWritten());

export type StoreAccountDoc = InferSchemaType<typeof storeAccountSchema> & { _id: import('mongoose').Types.ObjectId };

export const storeAccountModel = (conn: Connection) => conn.model('StoreAccount', storeAccountSchema, 'store_accounts');
