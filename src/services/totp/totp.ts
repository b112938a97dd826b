// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) on top of otplib: secrets, provisioning URI, QR code, code matching (S3, S14).
import { generateSecret as otpGenerateSecret, generateSync, verifySync } from 'otplib';
import QRCode from 'qrcode';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const SECRET_BYTES = 20;
/**
 * Accepted clock skew: one 30 s step each way. ASVS 6.5.5 caps a TOTP lifetime at 30 s; we
 * accept the previous and next step as well (S14: phones whose clock drifts a little) and
 * stop there, so a code two steps old fails (checklist 32).
 */
export const SKEW_SECONDS = TOTP_PERIOD;

export interface TotpDeps {
  /** Server time (NTP-synced), never client time (checklist 33). */
  clock: () => Date;
  /** Shown in authenticator apps; must not contain ":" (Key-Uri-Format). */
  issuer: string;
}

export interface Totp {
  /** A fresh 160-bit base32 secret (checklist 27). */
  generateSecret(): string;
  /** Key-Uri-Format provisioning URI (checklist 36, 37). */
  keyUri(secret: string, label: string): string;
  /** The URI as an SVG QR code. */
  qrSvg(uri: string): Promise<string>;
  /** "ABCD EFGH ..." for typing the secret by hand. */
  groupSecret(secret: string): string;
  /** Time step of the matching code (current, previous or next step), or null. */
  matchStep(secret: string, code: string): number | null;
  /** The code for `at` (default now); for tests and enrolment helpers. */
  currentCode(secret: string, at?: Date): string;
}

const SIX_DIGITS = /^\d{6}$/;

function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

export function createTotp(deps: TotpDeps): Totp {
  const { clock, issuer } = deps;
  if (issuer === '' || issuer.includes(':')) throw new Error('totp: issuer must be non-empty and contain no ":"');

  function generateSecret(): string {
    return otpGenerateSecret({ length: SECRET_BYTES });
  }

  // Built here rather than with otplib's generateURI, which leaves out algorithm/digits/period
  // when they are the defaults and does not escape a ":" inside the account name.
  function keyUri(secret: string, label: string): string {
    const e = encodeURIComponent;
    const params = [
      `secret=${secret.replace(/=+$/, '').toUpperCase()}`,
      `issuer=${e(issuer)}`,
      'algorithm=SHA1',
      `digits=${TOTP_DIGITS}`,
      `period=${TOTP_PERIOD}`,
    ];
    return `otpauth://totp/${e(issuer)}:${e(label)}?${params.join('&')}`;
  }

  function qrSvg(uri: string): Promise<string> {
    return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  function groupSecret(secret: string): string {
    return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
  }

  function matchStep(secret: string, code: string): number | null {
    const token = code.replace(/\s+/g, '');
    if (!SIX_DIGITS.test(token)) return null;
    // otplib compares each candidate in constant time and reports which step matched.
    const result = verifySync({
      secret,
      token,
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD,
      algorithm: 'sha1',
      epoch: unixSeconds(clock()),
      epochTolerance: SKEW_SECONDS,
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  function currentCode(secret: string, at?: Date): string {
    return generateSync({
      secret,
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD,
      algorithm: 'sha1',
      epoch: unixSeconds(at ?? clock()),
    });
  }

  return { generateSecret, keyUri, qrSvg, groupSecret, matchStep, currentCode };
}
