// Notification hook: every credential or MFA change announces itself here (S4); delivery is the outbox's job.
export type NotificationType =
  | 'mfa_enabled'
  | 'mfa_reset'
  | 'mfa_removed'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
  | 'password_changed'
  | 'email_changed'
  | 'account_locked';

export interface Notification {
  type: NotificationType;
  userId: string;
  actorId?: string;
  details?: Record<string, unknown>;
}

export type Notifier = (n: Notification) => Promise<void>;
