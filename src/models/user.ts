// Store user: password, role, second-factor credentials and MFA state, sign-in throttle counts.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { userWritten } from './written.js';

import { ROLES, type Role } from '../services/roles.js';

export { ROLES, type Role };

const pendingNoticeSchema = new Schema({ id: String, type: { type: String }, actorId: String, ip: String, at: Date, details: Schema.Types.Mixed }, { _id: false });

export const userSchema = new Schema(
  {
    storeId: { type: Schema.Types.ObjectId, required: true },
    username: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    email: { type: String, default: null },
    emailVerified: { type: Boolean, default: false },
    // the user's own change of address (not an admin's): src/services/binding/rule.ts lets it settle first
    emailChangedAt: { type: Date, default: null },
    role: { type: String, enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, default: null },
    // set when an admin chose the password: the user replaces it at the next sign-in (checklist 61)
    mustChangePassword: { type: Boolean, default: false },
    active: { type: Boolean, default: true },
    // account-wide revocations so far (src/provider/mongo-adapter.ts revokeEverythingOf): a sign-in in progress whose
    // password was proven before the last one goes back to the password (src/flow/proof.ts)
    sessionsEnded: { type: Number, default: 0 },
    // the language of the pages the user last used, or the one they (or an admin) chose: emails are written in it (B22)
    locale: { type: String, enum: ['en', 'nl', null], default: null },
    // chosen on the account page or by an admin: pages in another language no longer replace it
    localeChosen: { type: Boolean, default: false },
    // second-factor credentials by our key: { type, name, createdAt, lastUsedAt, data } (src/services/mfa/credentials.ts);
    // an object rather than an array so one credential is set or unset by its path (FerretDB has no positional $)
    credentials: { type: Schema.Types.Mixed, default: {} },
    mfa: {
      // at least one credential (and recovery codes): kept with every credential change, for queries and policy
      enabled: { type: Boolean, default: false },
      enrolledAt: { type: Date, default: null },
      // set by an admin reset or after a recovery-code sign-in: enrol again before finishing
      mustEnrol: { type: Boolean, default: false },
      // who reset MFA (a user id; '' for the support operator) and when, until the user enrols again: the wizard says so
      reset: { type: new Schema({ by: String, at: Date }, { _id: false }), default: null },
      // the recovery-code batch that counts (src/services/mfa); other batches never match
      codesBatch: { type: String, default: null },
      // an audit event and email still to be written for the last change (completed on the next load after a crash)
      pendingNotice: { type: pendingNoticeSchema, default: null },
    },
    // consecutive failed sign-in attempts (password, code, recovery code), cleared by success (B2)
    throttle: {
      failures: { type: Number, default: 0 },
      lastFailureAt: { type: Date, default: null },
      // sign-in from unknown sources closed (100 failures) until an admin or the emailed link reopens it
      closedAt: { type: Date, default: null },
      generation: { type: Number, default: 0 },
      // second-factor failures from unknown sources after a right password: what holds a second factor back
      afterPassword: { failures: { type: Number, default: 0 }, lastFailureAt: { type: Date, default: null } },
      // known devices' own counts (src/services/throttle/known-devices.ts)
      devices: { type: [{ _id: false, tag: String, failures: Number, lastFailureAt: Date }], default: [] },
    },
  },
  { timestamps: true },
);
userSchema.index({ storeId: 1, username: 1 }, { unique: true });
// nothing keeps reading a user this process has just changed (src/models/stores/user-records.ts)
userSchema.post(['updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany'], function () {
  const id: unknown = this.getFilter()._id;
  userWritten(typeof id === 'string' || (id && typeof id === 'object' && 'toHexString' in id) ? String(id) : undefined);
});
userSchema.post('save', (doc) => userWritten(String(doc._id)));
userSchema.post('insertMany', () => userWritten(undefined));

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export const userModel = (conn: Connection) => conn.model('User', userSchema, 'users');
