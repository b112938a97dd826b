// Email address change: requires the password (checked by the caller), unverifies the address, tells old and new (S4).
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { UserDirectory } from './users.js';

export interface EmailPort {
  setEmail(userId: string, email: string, now: Date): Promise<void>;
}

export function createEmailService(deps: { users: UserDirectory; store: EmailPort; audit: AuditRecorder; notify: Notifier; clock: () => Date }) {
  return {
    async change(userId: string, email: string, actor: { actorId: string; ip?: string }): Promise<void> {
      const user = await deps.users.byId(userId);
      const oldEmail = user?.email ?? null;
      await deps.store.setEmail(userId, email, deps.clock());
      await deps.audit.record({ type: 'email.changed', userId, storeId: user?.storeId, actorId: actor.actorId, ip: actor.ip, details: { oldEmail, newEmail: email } });
      await deps.notify({ type: 'email_changed', userId, actorId: actor.actorId, details: { oldEmail, newEmail: email } });
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
