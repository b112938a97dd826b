// Passkeys (WebAuthn): a phishing-resistant second factor, registered on the account page and offered first at sign-in.
import type { Factor } from '../factor.js';
import { passkeyVerifyStep } from './verify-step.js';
import { PASSKEY_REGISTER_PATH, passkeyAccountRoutes, passkeyAdminSection, passkeySection } from './account.js';

export const passkeyFactor: Factor = {
  id: 'passkey',
  credentialType: 'passkey',
  phishingResistant: true,
  // RFC 8176: a synced passkey's key leaves the device (software-secured, swk); a device-bound one does not (hwk);
  // "user" when the authenticator verified the user (PIN or biometrics), not just their presence
  amr: (seen) => [seen?.synced ? 'swk' : 'hwk', ...(seen?.userVerified ? ['user'] : [])],
  enrolled: (user) => user.credentialTypes.includes('passkey'),
  verify: passkeyVerifyStep,
  switchLabel: 'factors.passkey.switch',
  lostLabel: 'factors.passkey.lost',
  switchPath: 'use-passkey',
  nameKey: 'factors.passkey.name',
  account: passkeySection,
  admin: passkeyAdminSection,
  accountRoutes: passkeyAccountRoutes,
  bindingPath: PASSKEY_REGISTER_PATH,
  accountNotices: { passkey_added: 'factors.passkey.notice_added', passkey_removed: 'factors.passkey.notice_removed', passkey_renamed: 'factors.passkey.notice_renamed' },
  notifications: ['passkey_added', 'passkey_removed'],
};
