// The roles of a store's users, highest first (a leaf: policy, roll-outs, models and pages all name roles by these).
export const ROLES = ['owner', 'admin', 'manager', 'cashier'] as const;
export type Role = (typeof ROLES)[number];
