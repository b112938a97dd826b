// Recovery codes: twelve single-use codes that come with every factor, for when the others are out of reach (S10).
import type { Factor } from '../factor.js';
import { recoveryStep } from './verify-step.js';

export const recoveryFactor: Factor = {
  id: 'recovery',
  phishingResistant: false,
  // a recovery code is not an OTP from an app; RFC 8176 has no better value than "otp" for a one-time code
  amr: () => ['otp'],
  enrolled: (user) => user.mfaEnabled,
  verify: recoveryStep,
  switchLabel: 'factors.recovery.switch',
  fallback: true,
  switchPath: 'use-recovery',
  nameKey: 'factors.recovery.name',
  notifications: ['recovery_code_used', 'recovery_codes_regenerated'],
};
