// Parses the encryption keyring spec "kid1:base64key,kid2:base64key" (first is current) (B3; checklist 34).
export interface Keyring {
  /** Key id used for new encryptions. */
  current: string;
  /** Every key that may still decrypt, by key id; each exactly 32 bytes. */
  keys: Record<string, Buffer>;
}

export const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const first = entries[0];
  if (first === undefined) throw new Error('keyring: no keys given (expected "kid:base64key[,kid:base64key...]")');
  const keys: Record<string, Buffer> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`keyring: entry without "kid:" prefix (expected "kid:base64key")`);
    const kid = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KID.test(kid)) throw new Error(`keyring: key id "${kid}" must be 1-32 characters of A-Z a-z 0-9 _ -`);
    if (Object.hasOwn(keys, kid)) throw new Error(`keyring: key id "${kid}" appears twice`);
    if (!BASE64.test(encoded)) throw new Error(`keyring: key "${kid}" is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      // Never echo key material, only its length.
      throw new Error(`keyring: key "${kid}" is ${key.length} bytes, AES-256 needs exactly ${KEY_BYTES}`);
    }
    keys[kid] = key;
  }
  return { current: first.slice(0, first.indexOf(':')), keys };
}
