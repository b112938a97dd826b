// Remembered-device tokens: 256 random bits for the cookie, only the SHA-256 stored, fixed lifetime (S8, B10; checklist 47).
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';

export const DEVICE_TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface DeviceTokensDeps {
  clock: () => Date;
  /** Lifetime in days (S8: 30). */
  days: number;
  randomBytes?: (n: number) => Buffer;
}

export interface IssuedDeviceToken {
  /** Goes into the cookie only. */
  token: string;
  /** Hex SHA-256 of the token; the only form stored. */
  hash: string;
  expiresAt: Date;
}

export interface DeviceTokens {
  issue(): IssuedDeviceToken;
  hash(token: string): string;
  /** Cheap shape check before any database lookup. */
  isWellFormed(token: string): boolean;
}

export function createDeviceTokens(deps: DeviceTokensDeps): DeviceTokens {
  const random = deps.randomBytes ?? nodeRandomBytes;
  if (!(deps.days > 0)) throw new Error('device tokens: days must be positive');

  // A plain hash suffices: the token is 256 random bits, so there is nothing to brute-force.
  function hash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }

  function issue(): IssuedDeviceToken {
    const token = random(DEVICE_TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(deps.clock().getTime() + deps.days * 24 * 60 * 60 * 1000);
    return { token, hash: hash(token), expiresAt };
  }

  function isWellFormed(token: string): boolean {
    return TOKEN_SHAPE.test(token);
  }

  return { issue, hash, isWellFormed };
}
