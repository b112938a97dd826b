// A user's provider sessions as the account page and the admin console show them (B15; checklist 54, 57): the device
// in words, the address, started, last used, "this device"; ending one or all others. Framework-free.
import { UAParser } from 'ua-parser-js';
import { sessionOverdue, type SessionLimits } from './limits.js';

export interface StoredSession {
  /** the cookie's id: never shown, only compared */
  id: string;
  uid: string;
  userAgent: string | null;
  ip: string | null;
  lastUsedAt: Date | null;
  loginTs?: number;
  iat?: number;
  clientIds: string[];
}

export interface SessionPort {
  /** the account's signed-in sessions, expired ones left out */
  list(accountId: string): Promise<StoredSession[]>;
  /** ends one session (its grants and tokens too); false when the account has no session with that uid */
  endByUid(accountId: string, uid: string): Promise<boolean>;
  /** ends every session but `keepId` (and everything issued in them); the number of documents removed */
  endAllExcept(accountId: string, keepId?: string): Promise<number>;
}

export interface SessionView {
  uid: string;
  browser: string | undefined;
  os: string | undefined;
  /** the address it was last used from; `local` when that is this machine itself */
  ip: string | undefined;
  local: boolean;
  startedAt: Date | undefined;
  lastUsedAt: Date | undefined;
  current: boolean;
  clientIds: string[];
}

const LOCAL = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** The address of this machine itself (shown as "This computer": a development setup, or a proxy on the host). */
export const isLocalAddress = (ip: string | null | undefined): boolean => Boolean(ip && LOCAL.has(ip));

/** "Chrome" and "Linux" from a user agent; undefined parts when it says nothing we know. */
export function describeUserAgent(userAgent: string | null): { browser?: string; os?: string } {
  if (!userAgent) return {};
  const parsed = new UAParser(userAgent).getResult();
  return { browser: parsed.browser.name || undefined, os: parsed.os.name || undefined };
}

export function createSessionService(deps: { port: SessionPort; limits(accountId: string): Promise<SessionLimits>; clock: () => Date }) {
  return {
    /** Live sessions, the current one first, then the most recently used. */
    async list(accountId: string, currentId?: string): Promise<SessionView[]> {
      const limits = await deps.limits(accountId);
      const now = deps.clock();
      const live = (await deps.port.list(accountId)).filter((s) => !sessionOverdue(s, limits, now));
      const views = live.map((s): SessionView => {
        const { browser, os } = describeUserAgent(s.userAgent);
        return {
          uid: s.uid,
          browser,
          os,
          ip: s.ip ?? undefined,
          local: isLocalAddress(s.ip),
          startedAt: s.loginTs ? new Date(s.loginTs * 1000) : undefined,
          lastUsedAt: s.lastUsedAt ?? (s.iat ? new Date(s.iat * 1000) : undefined),
          current: s.id === currentId,
          clientIds: s.clientIds,
        };
      });
      const t = (v: SessionView) => v.lastUsedAt?.getTime() ?? 0;
      return views.sort((a, b) => Number(b.current) - Number(a.current) || t(b) - t(a));
    },
    endOne: (accountId: string, uid: string) => deps.port.endByUid(accountId, uid),
    endOthers: (accountId: string, keepId: string) => deps.port.endAllExcept(accountId, keepId),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
