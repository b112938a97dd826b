// Admins see a user's provider sessions and end one or all of them (B15); the user's own are ended on the account page.
import type { AuditRecorder } from '../audit/index.js';
import type { SessionService, SessionView } from '../sessions/index.js';
import type { AdminUserPort, SessionRevoker } from './ports.js';
import { denialFor } from './rules.js';
import type { AdminActor, Outcome } from './users.js';

export function createAdminSessionService(deps: { users: AdminUserPort; sessions: Pick<SessionService, 'list' | 'endOne'>; endAll: SessionRevoker; audit: AuditRecorder }) {
  const target = async (actor: AdminActor, userId: string, action: 'view' | 'end_sessions') => {
    const user = await deps.users.inStore(actor.storeId, userId);
    if (!user) return { ok: false as const, error: denialFor(actor, actor, 'view') ?? ('other_store' as const) };
    const denial = denialFor(actor, user, action);
    return denial ? { ok: false as const, error: denial } : { ok: true as const, value: user };
  };

  return {
    async list(actor: AdminActor, userId: string): Promise<Outcome<SessionView[]>> {
      const found = await target(actor, userId, 'view');
      if (!found.ok) return found;
      return { ok: true, value: await deps.sessions.list(found.value.id) };
    },

    /** `which`: a session's uid, or 'all' (admin-console sessions included, as on deactivation). Ending sessions tells their clients by back-channel logout (B16). */
    async end(actor: AdminActor, userId: string, which: string): Promise<Outcome<{ ended: number }>> {
      const found = await target(actor, userId, 'end_sessions');
      if (!found.ok) return found;
      const user = found.value;
      const ended = which === 'all' ? await deps.endAll(user.id) : Number(await deps.sessions.endOne(user.id, which));
      if (which !== 'all' && !ended) return { ok: false, error: 'not_found' };
      await deps.audit.record({
        type: 'admin.sessions_ended',
        storeId: actor.storeId,
        userId: user.id,
        actorId: actor.id,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details: { reason: which === 'all' ? 'admin_all' : 'admin_one', count: ended },
      });
      return { ok: true, value: { ended } };
    },
  };
}

export type AdminSessionService = ReturnType<typeof createAdminSessionService>;
