// AES-256-GCM sealing of small secrets (TOTP seeds) with the key id stored beside the ciphertext (B3; checklist 34).
import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { KEY_BYTES, type Keyring } from './keyring.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** Returns `v1.<kid>.<iv>.<tag>.<ct>` (base64url parts). `context`, if given, is bound as AAD. */
  encrypt(plain: string, context?: string): string;
  /** Throws if the value is malformed, its key id is unknown, or authentication fails. */
  decrypt(sealed: string, context?: string): string;
  /** True when the value was sealed with a key other than the current one. */
  needsRotation(sealed: string): boolean;
  /** Decrypts and re-encrypts under the current key. */
  reseal(sealed: string, context?: string): string;
}

export interface SecretBoxDeps extends Keyring {
  randomBytes?: (n: number) => Buffer;
}

function aad(kid: string, context: string | undefined): Buffer {
  // The header (and the optional caller context, e.g. a user id) is authenticated, so a sealed
  // value cannot be relabelled or moved to another record without failing decryption.
  return Buffer.from(context === undefined ? `${VERSION}.${kid}` : `${VERSION}.${kid}.${context}`, 'utf8');
}

function parse(sealed: string): { kid: string; iv: Buffer; tag: Buffer; ct: Buffer } {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('secret box: not a v1 sealed value');
  const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
  const ivBuf = Buffer.from(iv, 'base64url');
  const tagBuf = Buffer.from(tag, 'base64url');
  if (ivBuf.length !== IV_BYTES || tagBuf.length !== TAG_BYTES) throw new Error('secret box: malformed sealed value');
  return { kid, iv: ivBuf, tag: tagBuf, ct: Buffer.from(ct, 'base64url') };
}

export function createSecretBox(deps: SecretBoxDeps): SecretBox {
  const { current, keys } = deps;
  const random = deps.randomBytes ?? nodeRandomBytes;
  for (const [kid, key] of Object.entries(keys)) {
    if (kid.includes('.')) throw new Error(`secret box: key id "${kid}" must not contain "."`);
    if (key.length !== KEY_BYTES) throw new Error(`secret box: key "${kid}" must be ${KEY_BYTES} bytes`);
  }
  if (!Object.hasOwn(keys, current)) throw new Error(`secret box: current key id "${current}" is not in the keyring`);
  // own properties only, so "__proto__" or "toString" is never a key id
  const keyOf = (kid: string): Buffer | undefined => (Object.hasOwn(keys, kid) ? keys[kid] : undefined);

  function encrypt(plain: string, context?: string): string {
    const key = keyOf(current);
    if (!key) throw new Error(`secret box: current key id "${current}" is not in the keyring`);
    const iv = random(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(current, context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, current, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  function decrypt(sealed: string, context?: string): string {
    const { kid, iv, tag, ct } = parse(sealed);
    const key = keyOf(kid);
    if (!key) throw new Error(`secret box: unknown key id "${kid}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kid, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('secret box: authentication failed');
    }
  }

  function needsRotation(sealed: string): boolean {
    return parse(sealed).kid !== current;
  }

  function reseal(sealed: string, context?: string): string {
    return encrypt(decrypt(sealed, context), context);
  }

  return { encrypt, decrypt, needsRotation, reseal };
}
