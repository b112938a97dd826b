// Sample views for every sign-in page (render tests and the page preview in tools/preview-pages.ts).
import QRCode from 'qrcode';

export const SAMPLE_CODES = [
  'K7QF-2MZP-XW4D', 'B9RT-6NHC-Q2LA', 'PX3V-8KJE-M5TU', 'D4WN-7GYB-R1ZS',
  'H6CM-3QTF-V8PE', 'L2XA-9DRK-N7WJ', 'T5BE-4YHU-C3GQ', 'F8ZJ-1PLM-W6KD',
  'R3NV-5TAX-E9HB', 'M7GK-2WQC-Y4FS', 'W1DU-8BZE-J5RN', 'C6PH-3LVT-A2MX',
];

const base = { csrf: 'csrf-token-123', action: '/interaction/abc123/step' };

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
    ['totp-verify', 'totp-verify', { ...base, offerRemember: true, rememberDays: 30, recoveryUrl: '/interaction/abc123/recovery' }],
    ['totp-verify-error', 'totp-verify', { ...base, offerRemember: false, rememberDays: 30, recoveryUrl: '/interaction/abc123/recovery', error: 'Invalid authentication code entered. Try again.' }],
    ['recovery', 'recovery', { ...base, backUrl: '/interaction/abc123/totp-verify' }],
    ['enrol-begin', 'totp-enrol', { ...base, stage: 'begin', required: true }],
    ['enrol-begin-recovery', 'totp-enrol', { ...base, stage: 'begin', afterRecovery: true }],
    ['enrol-password', 'totp-enrol', { ...base, stage: 'password', username: 'alice' }],
    ['enrol-scan', 'totp-enrol', { ...base, stage: 'scan', qrSvg, secretGrouped: 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP' }],
    ['enrol-code', 'totp-enrol', { ...base, stage: 'code' }],
    ['enrol-codes', 'totp-enrol', { ...base, stage: 'codes', codes: SAMPLE_CODES, downloadUrl: '/interaction/abc123/recovery-codes.txt' }],
    ['error', 'error', { title: 'Something went wrong', message: 'Your sign-in took too long. Please start again.', backUrl: '/' }],
    [
      'logout',
      'logout',
      {
        clientName: 'POS Web',
        form: '<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="abc"/></form>',
      },
    ],
    ['logout-done', 'logout-done', { clientName: 'POS Web' }],
  ];
}
