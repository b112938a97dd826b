// The roles of a store's users, highest first: the one list; policy, roll-outs, quick switch, models, pages and the seed derive from it.
export const ROLES = ['owner', 'admin', 'manager', 'cashier'] as const;
export type Role = (typeof ROLES)[number];

/** Is `role` as high as `least` or higher (owner > admin > manager > cashier)? */
export const atLeast = (role: Role, least: Role): boolean => {
  // a role outside the list (data written around the schema) is never high enough
  const rank = ROLES.indexOf(role);
  return rank >= 0 && rank <= ROLES.indexOf(least);
};

/** The store's administrators (owner and admins): MFA always (S1), the admin console, a full sign-in every time. */
export const isStoreAdmin = (role: Role): boolean => atLeast(role, 'admin');

/** The roles an admin may give (the owner role is never given, only held). */
export const ASSIGNABLE_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'owner');
