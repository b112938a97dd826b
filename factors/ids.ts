// The second factors' ids (a leaf: the flow state, credentials and the factor list all name factors by these).
export const FACTOR_IDS = ['passkey', 'totp', 'recovery'] as const;
export type FactorId = (typeof FACTOR_IDS)[number];
