// Provider sessions beyond what oidc-provider stores (B15, B16; checklist 57): the browser and address that last used
// a session, when, the clients to tell by back-channel logout when it ends, and the idle and absolute timeouts.
import type { AdapterPayload } from 'oidc-provider';
import type { PayloadDoc } from '../models/stores/payloads.js';
import { currentClient } from '../http/request-client.js';

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMinutes: 60, absoluteHours: 12 };
/** The longest absolute lifetime a store may choose: how long a session document is kept at most. */
export const MAX_SESSION_HOURS = 24;
/** "Last used" is written at most this often per session, so reading a session rarely costs a write. */
export const TOUCH_EVERY_MS = 60_000;

export interface LogoutTarget {
  clientId: string;
  sid: string;
}

export interface SessionRules {
  /** the session limits of the account's store (from the store cache) */
  limits(accountId: string): Promise<SessionLimits>;
  /** clients registered with a backchannel_logout_uri */
  backchannelClients: ReadonlySet<string>;
}

type Authorizations = Record<string, { sid?: string } | undefined>;

/** The lifted fields written with a Session: who used it last, when, and whom to tell when it ends. */
export function sessionFields(payload: AdapterPayload, now: Date, backchannelClients: ReadonlySet<string>): Partial<PayloadDoc> {
  const authorizations = (payload.authorizations ?? {}) as Authorizations;
  const targets: LogoutTarget[] = [];
  for (const [clientId, a] of Object.entries(authorizations)) if (a?.sid && backchannelClients.has(clientId)) targets.push({ clientId, sid: a.sid });
  return { ...clientFields(), lastUsedAt: now, logoutTargets: targets.length ? JSON.stringify(targets) : null };
}

export function clientFields(): Partial<PayloadDoc> {
  const client = currentClient();
  return client ? { ip: client.ip || null, userAgent: client.userAgent || null } : {};
}

export function logoutTargetsOf(doc: Pick<PayloadDoc, 'logoutTargets'>): LogoutTarget[] {
  if (!doc.logoutTargets) return [];
  try {
    const parsed = JSON.parse(doc.logoutTargets) as LogoutTarget[];
    return Array.isArray(parsed) ? parsed.filter((t) => typeof t?.clientId === 'string' && typeof t.sid === 'string') : [];
  } catch {
    return [];
  }
}

/** Why a signed-in session may no longer be used, if it may not: unused too long, or signed in too long ago. */
export function sessionOverdue(
  session: { lastUsedAt?: Date | null; loginTs?: number; iat?: number },
  limits: SessionLimits,
  now: Date,
): 'idle' | 'absolute' | undefined {
  const lastUsed = session.lastUsedAt?.getTime() ?? (session.iat ?? 0) * 1000;
  if (now.getTime() - lastUsed > limits.idleMinutes * 60_000) return 'idle';
  if (session.loginTs !== undefined && now.getTime() - session.loginTs * 1000 > limits.absoluteHours * 3_600_000) return 'absolute';
  return undefined;
}
