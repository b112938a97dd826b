// argon2id password hashing with a dummy-hash path for unknown users (B3; checklist 3, 7, 12, 13, 25).
import { randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify, parseOptions, type Algorithm, type Options } from '@node-rs/argon2';

/** Longest input (in code points, after NFKC) that verify() will accept; longer input always fails. */
export const MAX_VERIFY_INPUT = 1024;

export interface PasswordHasherOptions {
  /** KiB of memory; default 19456 (19 MiB, OWASP minimum for argon2id). */
  memoryCost?: number;
  /** Passes; default 2. */
  timeCost?: number;
  /** Lanes; default 1. */
  parallelism?: number;
}

export interface PasswordHasher {
  /** NFKC-normalises and hashes; throws RangeError for input over MAX_VERIFY_INPUT code points. */
  hash(pw: string): Promise<string>;
  /**
   * Constant-work verification: a missing hash (unknown user) or an over-long input
   * still costs one argon2 verification, then returns false.
   */
  verify(hash: string | null | undefined, pw: string): Promise<boolean>;
  /** True when a stored hash was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean;
}

// @node-rs/argon2 declares Algorithm as an ambient const enum (unusable under isolatedModules,
// and empty at runtime), so the numeric value is spelled out: Argon2id = 2.
const ARGON2ID = 2 as Algorithm;

export function normalizePassword(pw: string): string {
  return pw.normalize('NFKC');
}

export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function createPasswordHasher(opts: PasswordHasherOptions = {}): PasswordHasher {
  const options: Options = {
    algorithm: ARGON2ID,
    memoryCost: opts.memoryCost ?? 19456,
    timeCost: opts.timeCost ?? 2,
    parallelism: opts.parallelism ?? 1,
  };
  // Computed once with the same parameters, so an unknown user costs what a known one does.
  const dummyHash = argonHash(randomBytes(32).toString('base64url'), options);

  async function hash(pw: string): Promise<string> {
    const normalized = normalizePassword(pw);
    if (codePointLength(normalized) > MAX_VERIFY_INPUT) throw new RangeError('password too long');
    return argonHash(normalized, options);
  }

  async function verify(stored: string | null | undefined, pw: string): Promise<boolean> {
    const normalized = normalizePassword(pw);
    const tooLong = codePointLength(normalized) > MAX_VERIFY_INPUT;
    // Cap what reaches argon2 so a huge input cannot cost more than a normal one.
    const input = tooLong ? Array.from(normalized).slice(0, MAX_VERIFY_INPUT).join('') : normalized;
    const target = stored ?? (await dummyHash);
    let ok: boolean;
    try {
      ok = await argonVerify(target, input);
    } catch {
      // A malformed stored hash: still spend the same work before failing.
      await argonVerify(await dummyHash, input).catch(() => false);
      ok = false;
    }
    return ok && !tooLong && stored != null;
  }

  function needsRehash(stored: string): boolean {
    try {
      const p = parseOptions(stored);
      return (
        p.algorithm !== ARGON2ID ||
        p.memoryCost !== options.memoryCost ||
        p.timeCost !== options.timeCost ||
        p.parallelism !== options.parallelism
      );
    } catch {
      return true;
    }
  }

  return { hash, verify, needsRehash };
}
