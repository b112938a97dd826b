// A software WebAuthn authenticator for HTTP-level tests (the browser tests use Chromium's virtual one): an ES256
// key, "none" attestation, a sign counter, and knobs to answer for another origin or RP ID, as a phishing site would.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

export interface PasskeyOptionsJson {
  challenge: string;
  rp?: { id?: string };
  rpId?: string;
}

export class SoftPasskey {
  readonly credentialId = randomBytes(16);
  counter = 0;
  private readonly key: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {}

  get id() {
    return b64(this.credentialId);
  }

  private authData(flags: number, rpId: string, attested?: Buffer, signCount = this.counter) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  private clientData(type: string, challenge: string, origin: string) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create: the RegistrationResponseJSON @simplewebauthn/browser would post. */
  register(options: PasskeyOptionsJson, at: { origin?: string; rpId?: string } = {}) {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(String(jwk.x), 'base64url')],
        [-3, Buffer.from(String(jwk.y), 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(cose)]);
    // user present, user verified, attested credential data
    const authData = this.authData(0x45, at.rpId ?? this.rpId, attested);
    const attestationObject = isoCBOR.encode(new Map<string, string | Map<string, string> | Uint8Array>([['fmt', 'none'], ['attStmt', new Map<string, string>()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', options.challenge, at.origin ?? this.origin)),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get: the AuthenticationResponseJSON, the counter one higher (or as a clone would send it). */
  assert(options: PasskeyOptionsJson, at: { origin?: string; rpId?: string; counter?: number } = {}) {
    if (at.counter === undefined) this.counter++;
    const authData = this.authData(0x05, at.rpId ?? this.rpId, undefined, at.counter ?? this.counter);
    const clientData = this.clientData('webauthn.get', options.challenge, at.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.key.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64(clientData), authenticatorData: b64(authData), signature: b64(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** The WebAuthn options a passkey page carries in its form's data-options attribute. */
export function passkeyOptionsOf(html: string): PasskeyOptionsJson {
  const raw = /data-options="([^"]*)"/.exec(html)?.[1];
  if (!raw) throw new Error('no passkey options on this page');
  return JSON.parse(raw.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as PasskeyOptionsJson;
}
