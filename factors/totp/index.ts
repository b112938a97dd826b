// The authenticator-app factor (TOTP, RFC 6238): six-digit codes at sign-in, set up by the wizard at sign-in or on the account page.
import type { Factor } from '../factor.js';
import { totpEnrolStep } from './enrol-step.js';
import { totpVerifyStep } from './verify-step.js';
import { TOTP_WIZARD_PATH, totpAccountRoutes } from './account.js';
import { totpSection } from './section.js';

export const totpFactor: Factor = {
  id: 'totp',
  credentialType: 'totp',
  phishingResistant: false,
  amr: () => ['otp'],
  enrolled: (user) => user.credentialTypes.includes('totp'),
  verify: totpVerifyStep,
  enrol: totpEnrolStep,
  switchLabel: 'factors.totp.switch',
  lostLabel: 'factors.totp.lost',
  switchPath: 'use-app',
  nameKey: 'factors.totp.name',
  account: totpSection,
  accountRoutes: totpAccountRoutes,
  bindingPath: TOTP_WIZARD_PATH,
  notifications: ['mfa_enabled', 'mfa_reset', 'second_factor_failed'],
};
