// Quick switching on a trusted register (B19): trusting and revoking registers, the day's full sign-ins there, the
// "who is switching in?" roster, personal PINs (argon2id) and the 5-strikes rule. Throttling is the caller's.
import { createHash, randomBytes } from 'node:crypto';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { Role } from '../policy/index.js';
import { businessDayEnd, isTimeZone, storeTimeZone } from './business-day.js';
import { pinProblem, type PinProblem } from './pin.js';
import type { QuickSwitchPort, RegisterRecord } from './ports.js';
import { pinAllowed, pinEverAllowed } from './roles.js';

export type { RegisterRecord } from './ports.js';
export { pinAllowed, pinEverAllowed } from './roles.js';

/** Wrong PINs that end quick switching for a user on a register until their next full sign-in there. */
export const PIN_STRIKES = 5;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const KEEP_DAYS = 31;

export interface PinHasher {
  hash(pin: string): Promise<string>;
  verify(stored: string | null | undefined, pin: string): Promise<boolean>;
}

export interface Actor {
  id: string;
  storeId: string;
  ip?: string;
  userAgent?: string;
}

export interface RosterUser {
  id: string;
  name: string;
  role: Role;
  active: boolean;
  storeId: string;
}

export type PinCheck = { kind: 'ok' } | { kind: 'wrong'; left: number } | { kind: 'ended' } | { kind: 'unavailable' };

export function createQuickSwitch(deps: {
  port: QuickSwitchPort;
  hasher: PinHasher;
  audit: AuditRecorder;
  notify: Notifier;
  clock: () => Date;
  users: { byId(id: string): Promise<RosterUser | undefined> };
}) {
  const { port, audit, clock } = deps;
  const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
  const event = (type: string, actor: Actor, details: Record<string, unknown>, userId?: string) =>
    audit.record({ type, storeId: actor.storeId, actorId: actor.id, userId: userId ?? actor.id, ip: actor.ip, userAgent: actor.userAgent, details });

  /** Whether this user's day on this register allows a PIN now: signed in fully today, not ended, PIN set. */
  async function usableSignIn(register: RegisterRecord, userId: string) {
    const entry = await port.signIn(register.id, userId);
    const now = clock();
    if (!entry || entry.endedAt || entry.validUntil.getTime() <= now.getTime()) return undefined;
    return entry;
  }

  return {
    /** Marks the browser the admin is using as a trusted register; the secret goes into its cookie only. */
    async trust(actor: Actor, name: string): Promise<{ register: RegisterRecord; secret: string }> {
      const secret = randomBytes(32).toString('base64url');
      const register = await port.insertRegister({ storeId: actor.storeId, name, secretHash: hashOf(secret), createdBy: actor.id, createdAt: clock() });
      await event('register.trusted', actor, { register: name, registerId: register.id });
      // the owner hears of every register that can now switch users by PIN
      const owner = await port.ownerOf(actor.storeId);
      if (owner) await deps.notify({ type: 'register_trusted', userId: owner, actorId: actor.id, details: { register: name } });
      return { register, secret };
    },

    /** The live register a cookie names, if any. */
    async fromCookie(secret: string | undefined): Promise<RegisterRecord | undefined> {
      if (!secret || !SECRET_SHAPE.test(secret)) return undefined;
      const register = await port.registerByHash(hashOf(secret));
      return register && !register.revokedAt ? register : undefined;
    },

    list: (storeId: string) => port.registers(storeId),

    async revoke(actor: Actor, id: string): Promise<boolean> {
      const register = await port.revokeRegister(actor.storeId, id, clock());
      if (!register) return false;
      await event('register.revoked', actor, { register: register.name, registerId: register.id });
      return true;
    },

    async rename(actor: Actor, id: string, name: string): Promise<boolean> {
      const before = (await port.registers(actor.storeId)).find((r) => r.id === id && !r.revokedAt);
      if (!before || !(await port.renameRegister(actor.storeId, id, name))) return false;
      await event('register.renamed', actor, { register: name, previous: before.name, registerId: id });
      return true;
    },

    /** The store's business day: the zone in effect, the one chosen (null: by country), the hour it starts. */
    async businessDay(storeId: string) {
      const policy = await port.dayPolicy(storeId);
      if (!policy) return undefined;
      return { zone: storeTimeZone({ country: policy.country, timeZone: policy.timeZone }), chosen: policy.timeZone, startHour: policy.startHour };
    },

    /** Sets the store's business day (null zone: by country); applies to the next full sign-ins. */
    async setBusinessDay(actor: Actor, timeZone: string | null, startHour: number): Promise<boolean> {
      if ((timeZone !== null && !isTimeZone(timeZone)) || !Number.isInteger(startHour) || startHour < 0 || startHour > 23) return false;
      await port.setDayPolicy(actor.storeId, timeZone, startHour);
      await audit.record({ type: 'store.business_day_changed', storeId: actor.storeId, actorId: actor.id, userId: actor.id, ip: actor.ip, userAgent: actor.userAgent, details: { timeZone: timeZone ?? 'country', startHour } });
      return true;
    },

    /** A full sign-in completed in a browser holding this register's cookie: PIN switching opens for the day. */
    async fullSignIn(register: RegisterRecord, user: RosterUser, meta: { ip?: string; userAgent?: string }): Promise<void> {
      if (user.storeId !== register.storeId) return;
      const policy = await port.dayPolicy(register.storeId);
      if (!policy) return;
      const now = clock();
      const validUntil = businessDayEnd(now, storeTimeZone({ country: policy.country, timeZone: policy.timeZone }), policy.startHour);
      await port.recordFullSignIn({ register, userId: user.id, fullAt: now, validUntil, keepUntil: new Date(validUntil.getTime() + KEEP_DAYS * 86_400_000) });
      await audit.record({ type: 'quick_switch.opened', storeId: register.storeId, userId: user.id, actorId: user.id, ip: meta.ip, userAgent: meta.userAgent, details: { register: register.name, until: validUntil.toISOString() } });
    },

    /** Who signed in fully on this register today, and whether each may switch in with a PIN now. */
    async roster(register: RegisterRecord, currentRole: Role | undefined) {
      const entries = await port.roster(register.id, clock());
      const people = [];
      // a register's day has a handful of people: one user read and one PIN read each
      for (const entry of entries) {
        const user = await deps.users.byId(entry.userId);
        if (!user?.active || user.storeId !== register.storeId) continue;
        const pin = pinAllowed(user.role, currentRole) && Boolean(await port.pinHash(user.id));
        people.push({ id: user.id, name: user.name, role: user.role, roleKey: `account.roles.${user.role}`, pin });
      }
      return people.sort((a, b) => a.name.localeCompare(b.name));
    },

    /** May this user switch in with a PIN on this register now (before the PIN is checked)? */
    async mayUsePin(register: RegisterRecord, user: RosterUser, currentRole: Role | undefined): Promise<boolean> {
      if (!user.active || user.storeId !== register.storeId || !pinAllowed(user.role, currentRole)) return false;
      return Boolean((await usableSignIn(register, user.id)) && (await port.pinHash(user.id)));
    },

    /** Checks the PIN (call it inside the throttle's attempt); the answer says only right or wrong. */
    async pinMatches(userId: string, pin: string): Promise<boolean> {
      return deps.hasher.verify(await port.pinHash(userId), pin);
    },

    /** A wrong PIN on this register: counted, and the 5th ends PIN switching there until the next full sign-in. */
    async pinFailed(register: RegisterRecord, user: RosterUser, meta: { ip?: string; userAgent?: string }): Promise<PinCheck> {
      const failures = await port.countPinFailure(register.id, user.id);
      const base = { storeId: register.storeId, userId: user.id, ip: meta.ip, userAgent: meta.userAgent };
      await audit.record({ type: 'quick_switch.pin_failed', ...base, details: { register: register.name, failures } });
      if (failures < PIN_STRIKES) return { kind: 'wrong', left: PIN_STRIKES - failures };
      await port.endSignIn(register.id, user.id, clock());
      await audit.record({ type: 'quick_switch.ended', ...base, details: { register: register.name, failures } });
      return { kind: 'ended' };
    },

    /** A PIN switch happened at authTime (seconds): its tokens name the register. */
    async switched(register: RegisterRecord, user: RosterUser, authTime: number, meta: { ip?: string; userAgent?: string }) {
      await port.recordSwitch(register.id, user.id, authTime, clock());
      await audit.record({ type: 'quick_switch.switched', storeId: register.storeId, userId: user.id, actorId: user.id, ip: meta.ip, userAgent: meta.userAgent, details: { register: register.name } });
    },

    /** The register a quick-switch token of this user was issued on ({id, name}), for the `register` claim. */
    registerOfSwitch: (userId: string, authTime: number) => port.switchAt(userId, authTime),

    hasPin: async (userId: string) => Boolean(await port.pinHash(userId)),

    /** Sets or changes the user's PIN (the caller re-authenticated them); audited and emailed. */
    async setPin(actor: Actor, pin: string, repeat: string): Promise<{ ok: true } | { ok: false; error: PinProblem | 'pin_role' }> {
      const problem = pinProblem(pin, repeat);
      if (problem) return { ok: false, error: problem };
      // owners and admins always sign in fully: a PIN of theirs would never be used
      const user = await deps.users.byId(actor.id);
      if (!user || !pinEverAllowed(user.role)) return { ok: false, error: 'pin_role' };
      const had = Boolean(await port.pinHash(actor.id));
      await port.setPin(actor.id, await deps.hasher.hash(pin), clock());
      const change = had ? 'changed' : 'set';
      await event(`quick_switch.pin_${change}`, actor, {});
      await deps.notify({ type: 'pin_changed', userId: actor.id, details: { change } });
      return { ok: true };
    },

    async removePin(actor: Actor): Promise<boolean> {
      if (!(await port.removePin(actor.id))) return false;
      await event('quick_switch.pin_removed', actor, {});
      await deps.notify({ type: 'pin_changed', userId: actor.id, details: { change: 'removed' } });
      return true;
    },
  };
}

export type QuickSwitch = ReturnType<typeof createQuickSwitch>;
