// What Security & ID shows of the authenticator app: connected (with Reset, S12) or not (with Set up, S6).
import type { AccountSection } from '../factor.js';

export const totpSection: AccountSection = {
  partial: 'factor-totp',
  view: async (user) => ({ connected: user.credentialTypes.includes('totp') }),
};
