// Store user: credentials, role and MFA enrolment (TOTP secret sealed with AES-256-GCM).
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

export const ROLES = ['owner', 'admin', 'manager', 'cashier'] as const;
export type Role = (typeof ROLES)[number];

export const userSchema = new Schema(
  {
    storeId: { type: Schema.Types.ObjectId, required: true, index: true },
    username: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    email: { type: String, default: null },
    emailVerified: { type: Boolean, default: false },
    role: { type: String, enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, default: null },
    // set when an admin chose the password: the user replaces it at the next sign-in (checklist 61)
    mustChangePassword: { type: Boolean, default: false },
    active: { type: Boolean, default: true },
    locale: { type: String, default: null },
    mfa: {
      enabled: { type: Boolean, default: false },
      secretSealed: { type: String, default: null },
      enrolledAt: { type: Date, default: null },
      // set by an admin reset or after a recovery-code sign-in: enrol again before finishing
      mustEnrol: { type: Boolean, default: false },
      lastStep: { type: Number, default: 0 },
    },
  },
  { timestamps: true },
);
userSchema.index({ storeId: 1, username: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };

export const userModel = (conn: Connection) => conn.model('User', userSchema, 'users');
