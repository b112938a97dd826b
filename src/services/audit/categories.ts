// Audit event categories for people: each maps to event-type prefixes; the longest matching prefix decides.
export const AUDIT_CATEGORIES = ['signin', 'mfa', 'password', 'sessions', 'users', 'policy', 'email', 'approvals', 'other'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

// A prefix is either a whole type or its start ("mfa." matches every MFA event). 'other' is whatever no prefix claims.
const PREFIXES: Record<Exclude<AuditCategory, 'other'>, readonly string[]> = {
  signin: ['signin.', 'reauth.', 'account.locked', 'account.unlocked', 'admin.signin', 'admin.signout', 'quick_switch.', 'device_flow.'],
  mfa: ['mfa.', 'access_pass.', 'rollout.'],
  password: ['password.', 'password_reset.', 'breach.'],
  sessions: ['session.', 'device.', 'logout.', 'admin.sessions_ended', 'admin.devices_revoked', 'register.'],
  users: ['admin.user_', 'user.'],
  policy: ['admin.policy_', 'store.'],
  email: ['email.', 'notification.'],
  approvals: ['approval.'],
};

const ALL = Object.entries(PREFIXES).flatMap(([category, prefixes]) => prefixes.map((prefix) => ({ category: category as AuditCategory, prefix })));

export const isAuditCategory = (value: unknown): value is AuditCategory => AUDIT_CATEGORIES.includes(value as AuditCategory);

/** The category an event type belongs to. */
export function categoryOf(type: string): AuditCategory {
  let best: { category: AuditCategory; prefix: string } | undefined;
  for (const entry of ALL) if (type.startsWith(entry.prefix) && (!best || entry.prefix.length > best.prefix.length)) best = entry;
  return best?.category ?? 'other';
}

/** What a category filter selects: types starting with one of `prefixes`, or (for 'other') with none of them. */
export function typeSelection(category: AuditCategory): { prefixes: string[]; negate: boolean } {
  if (category === 'other') return { prefixes: ALL.map((e) => e.prefix), negate: true };
  // no prefix starts with another category's prefix (a unit test checks), so this agrees with categoryOf
  return { prefixes: [...PREFIXES[category]], negate: false };
}

/** The one category of every type that starts with `prefix`, or undefined when such types fall in several. */
export function categoryOfPrefix(prefix: string): AuditCategory | undefined {
  const own = categoryOf(prefix);
  // a type starting with `prefix` goes to a longer table prefix that starts with `prefix`, if one claims it
  const longer = ALL.filter((e) => e.prefix.length > prefix.length && e.prefix.startsWith(prefix));
  return longer.every((e) => e.category === own) ? own : undefined;
}
