// Sample views for every sign-in and account page (render tests and the page preview in tools/preview-pages.ts).
import { accountWizardViews, stepViews } from './render.step-views.js';

export const SAMPLE_CODES = [
  'K7QF-2MZP-XW4D', 'B9RT-6NHC-Q2LA', 'PX3V-8KJE-M5TU', 'D4WN-7GYB-R1ZS',
  'H6CM-3QTF-V8PE', 'L2XA-9DRK-N7WJ', 'T5BE-4YHU-C3GQ', 'F8ZJ-1PLM-W6KD',
  'R3NV-5TAX-E9HB', 'M7GK-2WQC-Y4FS', 'W1DU-8BZE-J5RN', 'C6PH-3LVT-A2MX',
];

const approvalBanner = { approvalSummary: 'To approve: a refund of €120.00 on Till 2 for cashier Carla Smit (transaction T-1234).', approvalCashier: 'Carla Smit' };

// The account pages post to fixed /account/... routes; the enrolment wizard from there to its own action.
// signed-in pages (Security & ID) have no "Trouble signing in?" footer, as src/account/kit.ts renders them
const account = { csrf: 'csrf-token-123', signedIn: true };
const user = { name: 'Alice Jansen', username: 'alice', email: 'alice@example.com', role: 'admin', mfaEnabled: true, mustEnrol: false };
export const SAMPLE_DEVICES = [
  {
    id: '665f1c2ab3e4d5f6a7b8c9d0',
    createdAt: '2025-05-02',
    expiresAt: '2025-06-01',
    lastUsedAt: new Date('2025-05-20T08:15:00Z'),
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    device: 'Mobile Safari on iOS',
    ip: '203.0.113.24',
  },
  { id: '665f1c2ab3e4d5f6a7b8c9d1', createdAt: '2025-05-10', expiresAt: '2025-06-09', lastUsedAt: null, userAgent: null, device: 'Unknown device', ip: null },
];
const SAMPLE_PASSKEYS = [
  { key: 'cAbCdEfGhIjKl', name: 'Till 2', createdAt: '2025-05-02', lastUsedAt: '2025-05-20', synced: false },
  { key: 'cMnOpQrStUvWx', name: 'My phone', createdAt: '2025-05-10', lastUsedAt: null, synced: true },
];
const passkeySection = (passkeys: unknown[]) => ({ partial: 'factor-passkey', view: { passkeys, nameMax: 60 } });
const totpSection = (connected: boolean) => ({ partial: 'factor-totp', view: { connected } });
const overview = {
  ...account,
  user,
  factorsWords: 'app',
  pinOffered: true,
  storeName: 'Corner Coffee Co.',
  language: 'automatic',
  storeLanguage: 'English',
  mfaRequired: true,
  remaining: 9,
  fewCodesLeft: false,
  devices: SAMPLE_DEVICES,
  factorSections: [totpSection(true), passkeySection(SAMPLE_PASSKEYS)],
};
const passkeyOptions = JSON.stringify({ challenge: 'abc', rpId: 'localhost', allowCredentials: [] });

// The emailed "Reset your password" link's page (src/password-reset/routes.ts) at each of its stages.
const reset = { token: 'abc.def', ui_locales: 'en', storeName: 'Corner Coffee Co.', username: 'alice', base: '/password-reset/corner', minutes: 30 };
const resetAlternatives = [{ url: '/password-reset/corner?token=abc.def&factor=recovery', label: 'factors.recovery.switch' }];
const resetSamples: Array<[string, string, Record<string, unknown>]> = [
  ['password-reset-totp', 'password-reset', { ...reset, stage: 'factor', factorId: 'totp', alternatives: resetAlternatives }],
  ['password-reset-recovery', 'password-reset', { ...reset, stage: 'factor', factorId: 'recovery', alternatives: [], error: 'This recovery code is not valid or was already used.' }],
  ['password-reset-passkey', 'password-reset', { ...reset, stage: 'factor', factorId: 'passkey', optionsJson: passkeyOptions, scripts: ['webauthn.js', 'passkey.js'], alternatives: resetAlternatives }],
  ['password-reset-new', 'password-reset', { ...reset, stage: 'new', proof: 'p.q' }],
  ['password-reset-done', 'password-reset', { stage: 'done', continueUrl: '/interaction/abc123/back-to-sign-in' }],
  ['password-reset-expired', 'password-reset', { stage: 'problem', reason: 'expired', minutes: 30 }],
  ['password-reset-other-store', 'password-reset', { stage: 'problem', reason: 'other_store' }],
];

/** [name, template, view] for each page state worth looking at. */
export async function sampleViews(): Promise<Array<[string, string, Record<string, unknown>]>> {
  return [
    ['unlock-confirm', 'unlock', { stage: 'confirm', token: 'abc.def' }],
    ['unlock-used', 'unlock', { stage: 'used' }],
    // the sign-in pages, each made by its step's render (./render.step-views.ts)
    ...(await stepViews(SAMPLE_CODES, approvalBanner)),
    ...(await accountWizardViews(SAMPLE_CODES, account)),
    ['account', 'account', { ...overview, user: { ...user, role: 'manager' }, mfaRequired: false, notice: 'Multi-factor authentication is set up.' }],
    ['account-few-codes', 'account', { ...overview, remaining: 1, fewCodesLeft: true, language: 'nl', error: 'Incorrect password.' }],
    [
      'account-off',
      'account',
      { ...overview, user: { ...user, name: 'Bram de Vries', username: 'bram', email: null, role: 'owner', mfaEnabled: false }, remaining: 0, devices: [], factorSections: [totpSection(false), passkeySection([])] },
    ],
    [
      'account-off-cashier',
      'account',
      { ...overview, user: { ...user, role: 'cashier', mfaEnabled: false, mustEnrol: true }, mfaRequired: false, remaining: 0, devices: [], factorSections: [totpSection(false), passkeySection([])] },
    ],
    ['account-remove-confirm', 'account-remove', { ...account, stage: 'confirm' }],
    ['account-remove-password', 'account-remove', { ...account, stage: 'password', error: 'Incorrect password.' }],
    ['account-codes', 'account-codes', { ...account, codes: SAMPLE_CODES, downloadUrl: '/account/mfa/codes.txt', factorsWords: 'app' }],
    ['account-codes-passkey', 'account-codes', { ...account, codes: SAMPLE_CODES, downloadUrl: '/account/mfa/codes.txt', factorsWords: 'passkey' }],
    ['error', 'error', { title: 'Something went wrong', message: 'Your sign-in took too long. Please start again.', backUrl: '/' }],
    [
      'logout',
      'logout',
      {
        clientName: 'POS Web',
        form: '<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="abc"/></form>',
      },
    ],
    // B26: a valid id_token_hint of the session: the confirmation sends itself
    ['logout-now', 'logout-now', { clientName: 'POS Web', action: '/session/end/confirm', xsrf: 'abc' }],
    ['logout-done', 'logout-done', { clientName: 'POS Web' }],
    // B25: a staff member signs in a device (oidc-provider's xsrf token protects these forms)
    ['device-code', 'device-code', { action: '/device', xsrf: 'abc' }],
    ['device-code-unknown', 'device-code', { action: '/device', xsrf: 'abc', userCode: 'BDFH-JKLM', error: 'No device is waiting for this code.' }],
    ['device-code-throttled', 'device-code', { throttled: true, error: 'Too many wrong codes from this network. Try again in 9 minutes.' }],
    ['device-code-declined', 'device-code', { action: '/device', ended: true, error: 'The device was not signed in, and it has been told.' }],
    ['device-confirm', 'device-confirm', { action: '/device', xsrf: 'abc', userCode: 'BDFH-JKLM', clientName: 'Kitchen display', deviceName: 'Kitchen screen 2', address: '10.0.0.12' }],
    ['device-done', 'device-done', { deviceName: 'Kitchen screen 2', approverName: 'Mia Manager' }],
    ['passkey-register', 'passkey-register', { ...account, name: 'Till 2', optionsJson: passkeyOptions, scripts: ['webauthn.js', 'passkey.js'] }],
    ['passkey-remove', 'passkey-remove', { ...account, passkey: SAMPLE_PASSKEYS[0], last: false }],
    ['passkey-remove-last', 'passkey-remove', { ...account, passkey: SAMPLE_PASSKEYS[1], last: true, error: 'Incorrect password.' }],
    // B21: the roll-out prompt before the store's deadline
    // B20: a manager's approval on the cashier's register (the banner is on every page of it)
    ['account-first-passkey', 'account', { ...overview, user: { ...user, mfaEnabled: false }, remaining: 0, factorSections: [totpSection(false), passkeySection([])] }],
    ...resetSamples,
    ['account-pin-set', 'account', { ...overview, pinSet: true, notice: 'Your PIN is set.' }],
  ];
}
