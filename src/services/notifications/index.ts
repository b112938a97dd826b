// Notification hook: every credential or MFA change announces itself here (S4); delivery is the outbox's job.
export type NotificationType =
  | 'mfa_enabled'
  | 'mfa_reset'
  | 'mfa_removed'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
  | 'password_changed'
  | 'email_changed'
  | 'account_locked'
  | 'account_unlocked'
  | 'access_pass_created'
  | 'enrolment_link'
  // the "Verify email address" link the user asked for (Security & ID, or the proof page of an enrolment)
  | 'email_verification'
  | 'second_factor_failed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'password_reset_link'
  // B21: the MFA roll-out's reminder to a user, and the owner's weekly summary
  | 'rollout_reminder'
  | 'rollout_summary'
  // B19: the user's quick-switch PIN was set, changed or removed; a register of the store was trusted (to the owner)
  | 'pin_changed'
  | 'register_trusted';

/** `details` of an email_changed notification: both addresses are told (checklist 67); null when there was / is none. */
export type EmailChangedDetails = { oldEmail: string | null; newEmail: string | null };

/** `details` of a recovery_code_used notification. */
export type RecoveryCodeUsedDetails = { remaining: number };

/** `details` of a second_factor_failed notification: where the attempt came from (checklist 69). */
export type SecondFactorFailedDetails = { ip?: string; userAgent?: string };

/** `details` of an account_locked notification: where the last attempt came from, and the lock's generation (unlock link). */
export type AccountLockedDetails = { ip?: string; generation: number };

export interface Notification {
  type: NotificationType;
  userId: string;
  /** Who made the change: the user themself when absent or equal to userId; '' for a support operator (break-glass). */
  actorId?: string;
  /** Per type: EmailChangedDetails, RecoveryCodeUsedDetails, AccountLockedDetails; never a secret. */
  details?: Record<string, unknown>;
  /** Idempotency key: a notification sent again with the same key is queued once (repairs after a crash). */
  key?: string;
}

export type Notifier = (n: Notification) => Promise<void>;
