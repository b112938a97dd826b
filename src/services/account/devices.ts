// Remembered devices: issue a cookie token bound to a user, check it, list and revoke (S8, B10; checklist 47-54).
import { createDeviceTokens } from '../devices/index.js';

export interface DeviceRecord {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface DevicePort {
  insert(userId: string, hash: string, expiresAt: Date, meta: { ip?: string; userAgent?: string }): Promise<void>;
  // matches only a live record of this user: expiry is checked in the query itself (checklist 48)
  touchValid(userId: string, hash: string, now: Date): Promise<boolean>;
  list(userId: string, now: Date): Promise<DeviceRecord[]>;
  revoke(userId: string, id: string): Promise<boolean>;
  revokeAll(userId: string): Promise<number>;
}

export function createDeviceService(deps: { store: DevicePort; clock: () => Date }) {
  const probe = createDeviceTokens({ clock: deps.clock, days: 1 });
  return {
    async remember(userId: string, days: number, meta: { ip?: string; userAgent?: string }): Promise<string> {
      const issued = createDeviceTokens({ clock: deps.clock, days }).issue();
      await deps.store.insert(userId, issued.hash, issued.expiresAt, meta);
      return issued.token;
    },
    async isRemembered(userId: string, token: string): Promise<boolean> {
      if (!probe.isWellFormed(token)) return false;
      return deps.store.touchValid(userId, probe.hash(token), deps.clock());
    },
    list: (userId: string) => deps.store.list(userId, deps.clock()),
    revoke: (userId: string, id: string) => deps.store.revoke(userId, id),
    revokeAll: (userId: string) => deps.store.revokeAll(userId),
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
