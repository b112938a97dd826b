// The user's email address: a change requires the password (checked by the caller), unverifies the address and tells
// old and new (S4); a verification link is sent on request (B17: a verified address can receive enrolment links).
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { RequestLimiter } from '../throttle/requests.js';
import type { UserDirectory } from './users.js';

export interface EmailPort {
  setEmail(userId: string, email: string, now: Date): Promise<void>;
}

/** A few verification links per account and hour (and per address): the button is easy to press again. */
export const VERIFY_REQUEST_LIMITS = { perAccount: 3, perAddress: 20, windowMs: 3_600_000 };

export type VerificationRequest = { kind: 'sent' } | { kind: 'verified' } | { kind: 'no_address' } | { kind: 'wait'; seconds: number };

export function createEmailService(deps: { users: UserDirectory; store: EmailPort; audit: AuditRecorder; notify: Notifier; limiter: RequestLimiter; clock: () => Date }) {
  return {
    async change(userId: string, email: string, actor: { actorId: string; ip?: string }): Promise<void> {
      const user = await deps.users.byId(userId);
      const oldEmail = user?.email ?? null;
      await deps.store.setEmail(userId, email, deps.clock());
      await deps.audit.record({ type: 'email.changed', userId, storeId: user?.storeId, actorId: actor.actorId, ip: actor.ip, details: { oldEmail, newEmail: email } });
      await deps.notify({ type: 'email_changed', userId, actorId: actor.actorId, details: { oldEmail, newEmail: email } });
    },

    /** Sends the "Verify email address" link to the user's own address, at most a few times an hour; audited. */
    async requestVerification(userId: string, actor: { actorId: string; ip: string }): Promise<VerificationRequest> {
      const user = await deps.users.byId(userId);
      if (!user?.email) return { kind: 'no_address' };
      if (user.emailVerified) return { kind: 'verified' };
      const verdict = await deps.limiter.allow(userId, actor.ip);
      if (!verdict.ok) return { kind: 'wait', seconds: verdict.seconds };
      await deps.notify({ type: 'email_verification', userId, actorId: actor.actorId });
      await deps.audit.record({ type: 'email.verification_sent', userId, storeId: user.storeId, actorId: actor.actorId, ip: actor.ip });
      return { kind: 'sent' };
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
