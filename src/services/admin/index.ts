// The admin console's use cases, built from their ports (framework-free; wired in src/admin/routes.ts and src/ops.ts).
import type { AuditRecorder } from '../audit/index.js';
import type { AdminUserPort, AuditQueryPort, StorePort } from './ports.js';
import { createAdminUserService, type AdminUserServiceDeps } from './users.js';
import { createAdminPolicyService } from './policy.js';
import { createAdminAuditService } from './audit.js';
import { createAdminSessionService } from './sessions.js';
import type { SessionService } from '../sessions/index.js';

export interface AdminServicesDeps extends AdminUserServiceDeps {
  users: AdminUserPort;
  stores: StorePort;
  events: AuditQueryPort;
  audit: AuditRecorder;
  /** the users' provider sessions (B15) */
  sessions: Pick<SessionService, 'list' | 'endOne'>;
}

export function createAdminServices(deps: AdminServicesDeps) {
  return {
    users: createAdminUserService(deps),
    policy: createAdminPolicyService({ stores: deps.stores, audit: deps.audit, languages: deps.languages }),
    audit: createAdminAuditService({ events: deps.events, users: deps.users, audit: deps.audit }),
    sessions: createAdminSessionService({ users: deps.users, sessions: deps.sessions, endAll: deps.endSessions, audit: deps.audit }),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
export type { AdminActor, AdminError, AdminUserSummary, MfaStatus, Outcome } from './users.js';
export type { PolicyView, PolicyError } from './policy.js';
export { REMEMBER_DAYS, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from './policy.js';
export { ASSIGNABLE_ROLES, denialFor, isConsoleRole } from './rules.js';
export { EXPORT_LIMIT } from './audit.js';
export { operatorResetMfa } from './operator.js';
