// Provider sessions beyond what oidc-provider stores (B15, B16; checklist 57): the browser and address that last used
// a session, when, the clients to tell by back-channel logout when it ends, and the idle and absolute timeouts.
import type { AdapterPayload } from 'oidc-provider';
import type { PayloadDoc } from '../models/stores/payloads.js';
import { currentClient } from '../http/request-client.js';
import { DEFAULT_SESSION_LIMITS, MAX_SESSION_HOURS, sessionOverdue, type SessionLimits } from '../services/sessions/limits.js';

export { DEFAULT_SESSION_LIMITS, MAX_SESSION_HOURS, sessionOverdue, type SessionLimits };
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

