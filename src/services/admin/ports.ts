// Ports of the admin use cases: store-scoped user records, store policy, audit queries and session revocation.
import type { Role } from '../policy/index.js';
import type { Locale } from '../locale.js';
import type { StoreView } from '../account/users.js';
import type { AuditCategory } from '../audit/categories.js';
import type { CredentialType } from '../mfa/credentials.js';

export type StorePolicy = StoreView['policy'];

/** A user as the admin console sees it: never a password hash, TOTP secret or recovery code (checklist 61). */
export interface AdminUserRecord {
  id: string;
  storeId: string;
  username: string;
  name: string;
  email: string | null;
  role: Role;
  active: boolean;
  mfaEnabled: boolean;
  /** the kinds of second factor the user has (the admin's page names them) */
  credentialTypes: CredentialType[];
  mustEnrol: boolean;
  mfaEnrolledAt: Date | null;
  createdAt: Date | null;
  /** sign-in from unknown devices closed after too many failures (B18), and the lock's generation */
  signInClosed: boolean;
  lockGeneration: number;
  /** the language the user's emails are written in (null: the store's), and whether it was chosen (B22) */
  locale: Locale | null;
  localeChosen: boolean;
}

export interface UserQuery {
  /** matched case-insensitively against username, name and email */
  search?: string;
  role?: Role;
  /** MFA state filter, applied in the query */
  mfa?: 'active' | 'inactive';
  active?: boolean;
  skip: number;
  limit: number;
}

export interface NewUserRecord {
  storeId: string;
  username: string;
  name: string;
  email: string | null;
  role: Role;
  passwordHash: string;
}

export interface AdminUserPort {
  list(storeId: string, query: UserQuery): Promise<{ users: AdminUserRecord[]; total: number }>;
  /** Only a user of this store; any other id (or a malformed one) is undefined. */
  inStore(storeId: string, userId: string): Promise<AdminUserRecord | undefined>;
  byUsername(storeId: string, username: string): Promise<AdminUserRecord | undefined>;
  create(user: NewUserRecord): Promise<{ ok: true; id: string } | { ok: false; reason: 'username_taken' }>;
  setRole(storeId: string, userId: string, role: Role): Promise<void>;
  setActive(storeId: string, userId: string, active: boolean): Promise<void>;
  usernames(storeId: string): Promise<Map<string, string>>;
  /** Username, name and role of these users of the store, in one read (unknown ids are left out). */
  people(storeId: string, ids: readonly string[]): Promise<Map<string, AuditPerson>>;
}

export interface AuditPerson {
  username: string;
  name: string;
  role: Role;
}

export interface StorePort {
  byId(storeId: string): Promise<StoreView | undefined>;
  byPrefix(prefix: string): Promise<StoreView | undefined>;
  setPolicy(storeId: string, policy: StorePolicy): Promise<void>;
}

export interface AuditRecord {
  id: string;
  at: Date;
  type: string;
  storeId: string | null;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  storeId: string;
  /** events about or by this user */
  userId?: string;
  /** prefix of the event type, e.g. "mfa." or "signin.success" */
  type?: string;
  category?: AuditCategory;
  from?: Date;
  /** exclusive */
  to?: Date;
}

/** A place in the log, newest first: events strictly older (`older`) or newer than this one. */
export interface AuditCursor {
  at: Date;
  id: string;
  direction: 'older' | 'newer';
}

export interface AuditQueryPort {
  /** Up to `limit` events next to the cursor (from the newest without one), newest first. */
  around(filter: AuditFilter, cursor: AuditCursor | undefined, limit: number): Promise<AuditRecord[]>;
  /** newest first, at most `max` events, read a few at a time */
  each(filter: AuditFilter, max: number): AsyncIterable<AuditRecord>;
}

/** Ends every provider session, grant, refresh token and admin-console session of a user (checklist 59, 64). */
export type SessionRevoker = (userId: string) => Promise<number>;
