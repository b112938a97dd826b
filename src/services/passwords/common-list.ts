// The shipped list of the 10,000 most common passwords, loaded once (checklist 8, 9).
import { readFileSync } from 'node:fs';

let cached: ReadonlySet<string> | undefined;

/** Lowercase entries of common-passwords.txt (lines starting with # are comments). */
export function commonPasswords(): ReadonlySet<string> {
  if (!cached) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    cached = new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
  }
  return cached;
}

/** Case-insensitive whole-string match against the list. */
export function isCommonPassword(pw: string): boolean {
  return commonPasswords().has(pw.normalize('NFKC').toLowerCase());
}
