// The back-channel logout outbox as the worker sees it (B16): deliveries written when a session ends, one per client and sid.
export interface LogoutTarget {
  clientId: string;
  /** the logout token's sub: our account id */
  accountId: string;
  sid: string | null;
}

export interface PendingLogout extends LogoutTarget {
  id: string;
  attempts: number;
}

export interface LogoutOutboxPort {
  /** Queues deliveries; a (client, sid) already queued is not queued again, so each session end is told once. */
  enqueue(targets: LogoutTarget[], now: Date): Promise<void>;
  due(now: Date, limit: number, exclude: string[]): Promise<PendingLogout[]>;
  /** true for exactly one caller per (delivery, attempt), across instances */
  claim(id: string, attempt: number, now: Date): Promise<boolean>;
  claimedAt(id: string, attempt: number): Promise<Date | undefined>;
  hold(id: string, attempt: number, until: Date): Promise<void>;
  skipAttempt(id: string, attempt: number, now: Date): Promise<boolean>;
  markSent(id: string, at: Date, keepUntil: Date): Promise<void>;
  markFailed(id: string, attempt: number, nextAttemptAt: Date, error: string): Promise<void>;
  markAbandoned(id: string, attempt: number, at: Date, keepUntil: Date, error: string): Promise<void>;
}
