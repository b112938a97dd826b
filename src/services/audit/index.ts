// Audit recording port: every security event with actor, subject and source (B5; checklist 65).
export interface AuditEvent {
  type: string;
  storeId?: string | null;
  userId?: string | null;
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
  /** Idempotency key: an event recorded again with the same key is not recorded twice (repairs after a crash). */
  key?: string;
}

export interface AuditRecorder {
  record(event: AuditEvent): Promise<void>;
}
