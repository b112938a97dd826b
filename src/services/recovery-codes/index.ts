// Recovery codes: 12 single-use codes of 65 random bits, stored only as peppered HMACs (S10; checklist 40, 41).
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 12;
export const RECOVERY_CODE_CHARS = 13; // 13 x 5 bits = 65 bits

// Crockford base32 (lowercase): no i, l, o, u, so codes read aloud and typed without ambiguity.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const WELL_FORMED = /^[0-9a-hjkmnp-tv-z]{13}$/;

export interface RecoveryCodesDeps {
  /** Server-side secret kept outside MongoDB (config/KMS), at least 16 bytes. */
  pepper: Buffer;
  randomBytes?: (n: number) => Buffer;
}

export interface RecoveryCodes {
  /** 12 fresh codes for display (`xxxx-xxxx-xxxxx`) and their hashes, in the same order. */
  generate(userId?: string): { codes: string[]; hashes: string[] };
  /** Strips spaces and dashes, lowercases, and maps Crockford look-alikes (o->0, i/l->1). */
  normalize(input: string): string;
  /** True when the normalised input has the shape of a code. */
  isWellFormed(input: string): boolean;
  /** Hex HMAC-SHA-256 of the normalised code, optionally bound to the user id. */
  hash(code: string, userId?: string): string;
}

/*
 * Why a fast keyed hash and not argon2 (checklist 41): each code carries 65 CSPRNG bits, and the
 * HMAC key (pepper) is never stored in the database, so a database dump alone gives nothing to
 * search against. With the pepper as well, a search is still ~2^65 HMACs per code; binding the
 * user id into the MAC (pass `userId` to both generate and hash) stops one search from covering
 * every user's codes at once. A deterministic hash also lets the store consume a code with one
 * atomic conditional update on (userId, hash) instead of trying up to 12 slow hashes.
 */
export function createRecoveryCodes(deps: RecoveryCodesDeps): RecoveryCodes {
  const random = deps.randomBytes ?? nodeRandomBytes;
  if (!Buffer.isBuffer(deps.pepper) || deps.pepper.length < 16) {
    throw new Error('recovery codes: pepper must be at least 16 bytes');
  }
  const pepper = Buffer.from(deps.pepper);

  function randomCode(): string {
    // 9 bytes = 72 bits; keep the top 65.
    let n = BigInt(`0x${random(9).toString('hex')}`) >> 7n;
    let out = '';
    for (let i = 0; i < RECOVERY_CODE_CHARS; i++) {
      out = ALPHABET.charAt(Number(n & 31n)) + out;
      n >>= 5n;
    }
    return out;
  }

  function display(raw: string): string {
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  }

  function normalize(input: string): string {
    return input
      .replace(/[\s-]+/g, '')
      .toLowerCase()
      .replace(/o/g, '0')
      .replace(/[il]/g, '1');
  }

  function isWellFormed(input: string): boolean {
    return WELL_FORMED.test(normalize(input));
  }

  function hash(code: string, userId?: string): string {
    const mac = createHmac('sha256', pepper);
    // Length-prefixed so (user, code) pairs cannot collide by shifting characters between them.
    if (userId !== undefined) mac.update(`u${userId.length}:${userId}|`);
    return mac.update(normalize(code)).digest('hex');
  }

  function generate(userId?: string): { codes: string[]; hashes: string[] } {
    const raw = new Set<string>();
    // A repeat in a 65-bit space means a broken random source: fail loudly rather than loop.
    for (let tries = 0; raw.size < RECOVERY_CODE_COUNT; tries++) {
      if (tries >= RECOVERY_CODE_COUNT * 2) throw new Error('recovery codes: random source repeats itself');
      raw.add(randomCode());
    }
    const codes = [...raw].map(display);
    return { codes, hashes: [...raw].map((c) => hash(c, userId)) };
  }

  return { generate, normalize, isWellFormed, hash };
}
