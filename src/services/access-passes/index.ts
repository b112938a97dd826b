// Temporary access passes (B17; checklist 38-39, 62): binding a first authenticator needs a second proof besides the
// password. An admin (creating the user, resetting MFA, or on request), the operator's break-glass reset, or the
// user's own verified email hands out a one-time pass of 80 random bits; it expires (default 24 h), is shown once,
// and only a keyed hash of it is stored. Who needs one is the binding rule's to say (src/services/binding).
import { createHmac, randomBytes } from 'node:crypto';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';

/** Why a pass was made: a new user, a reset, on request, by the operator, an emailed link, a roll-out's printed slips. */
export type PassReason = 'new_user' | 'reset' | 'request' | 'operator' | 'email' | 'rollout';

export interface PassRecord {
  id: string;
  reason: PassReason;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface AccessPassPort {
  insert(pass: { userId: string; storeId: string; hash: string; reason: PassReason; createdBy: string | null; createdAt: Date; expiresAt: Date }): Promise<string>;
  /** Passes not used, revoked or expired. */
  active(userId: string, now: Date): Promise<PassRecord[]>;
  findActive(userId: string, hash: string, now: Date): Promise<PassRecord | undefined>;
  /** Marks it used; true for exactly one caller (consume once). */
  use(userId: string, id: string, now: Date): Promise<boolean>;
  revoke(userId: string, id: string, now: Date): Promise<boolean>;
}

// Crockford-style base32 without look-alikes: 16 characters are 80 bits (NIST's >= 64 for a one-time secret)
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
const LENGTH = 16;
const WELL_FORMED = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

export const normalisePass = (input: string) => input.toUpperCase().replace(/[\s-]/g, '');

export function createAccessPasses(deps: { store: AccessPassPort; pepper: Buffer; ttlHours: number; clock: () => Date; audit: AuditRecorder; notify: Notifier }) {
  const hash = (userId: string, pass: string) => createHmac('sha256', deps.pepper).update(`access-pass\n${userId}\n${pass}`).digest('base64url');
  const generate = () => {
    const bytes = randomBytes(LENGTH);
    return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  };

  return {
    /** A new pass for the user, shown to whoever asked once and never again; emailed about (without the pass). */
    async create(user: { id: string; storeId: string }, actor: { actorId: string | null; ip?: string }, reason: PassReason, ttlHours = deps.ttlHours) {
      const pass = generate();
      const now = deps.clock();
      const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
      const id = await deps.store.insert({ userId: user.id, storeId: user.storeId, hash: hash(user.id, pass), reason, createdBy: actor.actorId, createdAt: now, expiresAt });
      await deps.audit.record({ type: 'access_pass.created', userId: user.id, storeId: user.storeId, actorId: actor.actorId, ip: actor.ip, details: { passId: id, reason, expiresAt: expiresAt.toISOString() } });
      if (reason !== 'email') await deps.notify({ type: 'access_pass_created', userId: user.id, actorId: actor.actorId ?? '', details: { expiresAt: expiresAt.toISOString() } });
      return { id, pass: pass.replace(/(.{4})(?=.)/g, '$1-'), expiresAt };
    },

    active: (userId: string) => deps.store.active(userId, deps.clock()),

    async revoke(user: { id: string; storeId: string }, id: string, actor: { actorId: string; ip?: string }): Promise<boolean> {
      const done = await deps.store.revoke(user.id, id, deps.clock());
      if (done) await deps.audit.record({ type: 'access_pass.revoked', userId: user.id, storeId: user.storeId, actorId: actor.actorId, ip: actor.ip, details: { passId: id } });
      return done;
    },

    /** Uses the pass up: true once, for a live pass of this user. */
    async redeem(user: { id: string; storeId: string }, input: string, meta: { ip?: string }): Promise<boolean> {
      const pass = normalisePass(input);
      if (!WELL_FORMED.test(pass)) return false;
      const now = deps.clock();
      const found = await deps.store.findActive(user.id, hash(user.id, pass), now);
      if (!found || !(await deps.store.use(user.id, found.id, now))) return false;
      await deps.audit.record({ type: 'access_pass.used', userId: user.id, storeId: user.storeId, actorId: user.id, ip: meta.ip, details: { passId: found.id, reason: found.reason } });
      return true;
    },
  };
}

export type AccessPasses = ReturnType<typeof createAccessPasses>;
