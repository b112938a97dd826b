// Sample views for every sign-in and account page (render tests and the page preview in tools/preview-pages.ts).
import QRCode from 'qrcode';

export const SAMPLE_CODES = [
  'K7QF-2MZP-XW4D', 'B9RT-6NHC-Q2LA', 'PX3V-8KJE-M5TU', 'D4WN-7GYB-R1ZS',
  'H6CM-3QTF-V8PE', 'L2XA-9DRK-N7WJ', 'T5BE-4YHU-C3GQ', 'F8ZJ-1PLM-W6KD',
  'R3NV-5TAX-E9HB', 'M7GK-2WQC-Y4FS', 'W1DU-8BZE-J5RN', 'C6PH-3LVT-A2MX',
];

const base = { csrf: 'csrf-token-123', action: '/interaction/abc123/step' };
const approvalBanner = { approvalSummary: 'To approve: a refund of €120.00 on Till 2 for cashier Carla Smit (transaction T-1234).', approvalCashier: 'Carla Smit' };

// The account pages post to fixed /account/... routes; the enrolment wizard from there to its own action.
// signed-in pages (Security & ID) have no "Trouble signing in?" footer, as src/account/kit.ts renders them
const account = { csrf: 'csrf-token-123', signedIn: true };
// the proof page's and the roll-out prompt's ways (factors/proof-ways.ts)
const ways = { passwordOnly: false, maskedEmail: 'a•••@example.com', settleDays: 7, passFrom: 'store' };
// "Step n of 5" on the account page; at sign-in the password stage is skipped (the password page just proved it)
const STEPS_ACCOUNT = { begin: 1, password: 2, scan: 3, code: 4, codes: 5, total: 5 };
const STEPS_SIGN_IN = { begin: 1, password: 2, scan: 2, code: 3, codes: 4, total: 4 };
const wizard = { ...account, action: '/account/mfa/wizard', fromAccount: true, steps: STEPS_ACCOUNT };
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
  const qrSvg = await QRCode.toString('otpauth://totp/POS%20Sign-in:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=POS%20Sign-in', {
    type: 'svg',
    margin: 2,
  });
  return [
    ['store', 'store', { ...base, storePrefix: '' }],
    ['store-error', 'store', { ...base, storePrefix: 'nosuchstore', error: "We couldn't find that store. Check the store URL." }],
    ['password', 'password', { ...base, storeName: 'Corner Coffee Co.', changeStoreUrl: '/interaction/abc123/store', username: '' }],
    [
      'password-switching-error',
      'password',
      { ...base, storeName: 'Corner Coffee Co.', changeStoreUrl: '/interaction/abc123/store', username: 'alice', switchingUser: true, error: 'Incorrect username or password.' },
    ],
    ['breach', 'breach', { ...base, count: 52314, username: 'alice' }],
    ['breach-once', 'breach', { ...base, count: 1, error: 'The passwords don’t match.' }],
    ['totp-verify', 'totp-verify', { ...base, offerRemember: true, rememberDays: 30, alternatives: [{ url: '/interaction/abc123/use-recovery', label: 'factors.totp.lost' }] }],
    ['totp-verify-error', 'totp-verify', { ...base, offerRemember: false, rememberDays: 30, alternatives: [{ url: '/interaction/abc123/use-recovery', label: 'factors.totp.lost' }], error: 'Invalid authentication code entered. Try again.' }],
    ['recovery', 'recovery', { ...base, alternatives: [{ url: '/interaction/abc123/use-app', label: 'factors.totp.switch' }] }],
    ['both-factors', 'both-factors', { ...base, username: 'alice', closed: false, waitMinutes: 15, backUrl: '/interaction/abc123/back-to-password' }],
    ['both-factors-closed', 'both-factors', { ...base, username: 'alice', closed: true, waitMinutes: 0, backUrl: '/interaction/abc123/back-to-password' }],
    ['enrol-proof', 'enrol-proof', { ...base, ...ways, canEmail: true, email: 'ready' }],
    ['enrol-proof-sent', 'enrol-proof', { ...base, ...ways, canEmail: true, email: 'ready', linkSent: true, error: 'This temporary access pass is not valid, has expired or was already used.' }],
    ['enrol-proof-unverified', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'unverified' }],
    ['enrol-proof-verify-sent', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'unverified', verifySent: true, continueUrl: '/interaction/abc123' }],
    ['enrol-proof-settling', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'settling', changedOn: '3 December', usableFrom: '10 December' }],
    ['enrol-proof-owner-no-address', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'none', maskedEmail: undefined, passFrom: 'support' }],
    ['unlock-confirm', 'unlock', { stage: 'confirm', token: 'abc.def' }],
    ['unlock-used', 'unlock', { stage: 'used' }],
    ['enrol-begin', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'begin', required: true }],
    ['enrol-begin-after-reset', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'begin', reset: { name: 'Adam Admin', date: '7 December', time: '14:05' } }],
    ['enrol-proof-after-reset', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'unverified', afterReset: true, reset: { name: null, date: '7 December', time: '14:05' } }],
    ['enrol-begin-recovery', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'begin', afterRecovery: true }],
    ['enrol-password', 'totp-enrol', { ...base, steps: STEPS_ACCOUNT, stage: 'password', username: 'alice' }],
    ['enrol-scan', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'scan', qrSvg, secretGrouped: 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP', otpauthUri: 'otpauth://totp/POS%20Sign-in:demo%3Aalice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=POS%20Sign-in' }],
    ['enrol-code', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'code' }],
    ['enrol-codes', 'totp-enrol', { ...base, steps: STEPS_SIGN_IN, stage: 'codes', codes: SAMPLE_CODES, downloadUrl: '/interaction/abc123/recovery-codes.txt', factorsWords: 'app' }],
    ['enrol-account-reset-begin', 'totp-enrol', { ...wizard, stage: 'begin', resetting: true }],
    ['enrol-account-password', 'totp-enrol', { ...wizard, stage: 'password', resetting: false }],
    ['enrol-account-reset-scan', 'totp-enrol', { ...wizard, stage: 'scan', resetting: true, qrSvg, secretGrouped: 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP' }],
    ['enrol-account-code', 'totp-enrol', { ...wizard, stage: 'code', resetting: true }],
    ['enrol-account-reset-codes', 'totp-enrol', { ...wizard, stage: 'codes', resetting: true, codes: SAMPLE_CODES, downloadUrl: '/account/mfa/codes.txt', factorsWords: 'both' }],
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
    [
      'passkey-verify',
      'passkey-verify',
      { ...base, optionsJson: passkeyOptions, scripts: ['webauthn.js', 'passkey.js'], alternatives: [{ url: '/interaction/abc123/use-app', label: 'factors.totp.switch' }] },
    ],
    ['passkey-verify-cloned', 'passkey-verify', { ...base, optionsJson: passkeyOptions, error: 'This passkey was refused.', alternatives: [] }],
    ['passkey-register', 'passkey-register', { ...account, name: 'Till 2', optionsJson: passkeyOptions, scripts: ['webauthn.js', 'passkey.js'] }],
    ['passkey-remove', 'passkey-remove', { ...account, passkey: SAMPLE_PASSKEYS[0], last: false }],
    ['passkey-remove-last', 'passkey-remove', { ...account, passkey: SAMPLE_PASSKEYS[1], last: true, error: 'Incorrect password.' }],
    ['phr-missing', 'phr-missing', { ...base, accountUrl: '/account' }],
    // B21: the roll-out prompt before the store's deadline
    ['mfa-rollout', 'mfa-rollout', { ...base, ...ways, deadline: '31 January 2027', daysLeft: 12, lastDay: false, email: 'unverified' }],
    ['mfa-rollout-one-day', 'mfa-rollout', { ...base, ...ways, deadline: '31 January 2027', daysLeft: 1, lastDay: false, email: 'ready' }],
    ['mfa-rollout-last-day', 'mfa-rollout', { ...base, ...ways, deadline: '31 January 2027', daysLeft: 0, lastDay: true, email: 'none' }],
    ['mfa-rollout-settling', 'mfa-rollout', { ...base, ...ways, deadline: '31 January 2027', daysLeft: 5, lastDay: false, email: 'settling', usableFrom: '10 December' }],
    ['mfa-rollout-password-only', 'mfa-rollout', { ...base, ...ways, deadline: '31 January 2027', daysLeft: 5, lastDay: false, passwordOnly: true }],
    ['enrol-proof-rollout', 'enrol-proof', { ...base, ...ways, canEmail: false, email: 'none', laterUrl: '/interaction/abc123/rollout-later' }],
    // B20: a manager's approval on the cashier's register (the banner is on every page of it)
    ['approval-password', 'password', { ...base, ...approvalBanner, storeName: 'Corner Coffee Co.', changeStoreUrl: '/interaction/abc123/change-store', username: '' }],
    ['approval', 'approval', { ...base, ...approvalBanner, managerName: 'Mia de Vries', cashierName: 'Carla Smit', actionKey: 'approval.action.refund', amount: '€120.00', register: 'Till 2', transactionId: 'T-1234' }],
    ['approval-refused', 'approval-refused', { ...base, ...approvalBanner, reason: 'role', reasonKey: 'approval.refused.role', userName: 'Colin Bakker', cashierName: 'Carla Smit', retryUrl: '/interaction/abc123/approval-another-manager' }],
    ['account-first-passkey', 'account', { ...overview, user: { ...user, mfaEnabled: false }, remaining: 0, factorSections: [totpSection(false), passkeySection([])] }],
    ['forgot-password', 'forgot-password', { ...base, stage: 'ask', storeName: 'Corner Coffee Co.', username: 'alice', backUrl: '/interaction/abc123/back-to-sign-in', minutes: 30 }],
    ['forgot-password-sent', 'forgot-password', { ...base, stage: 'sent', backUrl: '/interaction/abc123/back-to-sign-in', minutes: 30 }],
    ...resetSamples,
    // B19: quick switching on a trusted register
    [
      'quick-switch',
      'quick-switch',
      {
        ...base,
        registerName: 'Till 2',
        fullUrl: '/interaction/abc123/quick-switch-full',
        people: [
          { id: 'u1', name: 'Ann Jansen', roleKey: 'account.roles.cashier', pin: true },
          { id: 'u2', name: 'Bram de Vries', roleKey: 'account.roles.manager', pin: false },
        ],
      },
    ],
    ['quick-switch-empty', 'quick-switch', { ...base, registerName: 'Till 2', fullUrl: '/interaction/abc123/quick-switch-full', people: [] }],
    [
      'quick-switch-pin',
      'quick-switch-pin',
      { ...base, registerName: 'Till 2', name: 'Ann Jansen', roleKey: 'account.roles.cashier', backUrl: '/interaction/abc123/quick-switch-back', fullUrl: '/interaction/abc123/quick-switch-full', error: 'Wrong PIN. 4 tries left before quick switching ends for you on this register today.' },
    ],
    ['account-pin-set', 'account', { ...overview, pinSet: true, notice: 'Your PIN is set.' }],
  ];
}
