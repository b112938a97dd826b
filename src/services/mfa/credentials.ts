// A user's second-factor credentials: one typed list, each entry owned by its factor (factors/), which validates its data.
import { randomBytes } from 'node:crypto';

export const CREDENTIAL_TYPES = ['totp', 'passkey'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export interface Credential<D = Record<string, unknown>> {
  /** our own id of the credential (safe as a field name); a passkey's WebAuthn id is in its data */
  key: string;
  type: CredentialType;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  data: D;
}

export const newCredentialKey = () => `c${randomBytes(9).toString('base64url')}`;

export const credentialsOfType = (credentials: readonly Credential[], type: CredentialType) => credentials.filter((c) => c.type === type);
