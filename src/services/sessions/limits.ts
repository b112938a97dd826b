// A store's provider-session limits (B15; checklist 57) and the rule that ends a session by them: unused too long, or
// signed in too long ago. Pure: the provider's session hooks and the sessions service both apply it.
export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMinutes: 60, absoluteHours: 12 };
/** The longest absolute lifetime a store may choose: how long a session document is kept at most. */
export const MAX_SESSION_HOURS = 24;

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
