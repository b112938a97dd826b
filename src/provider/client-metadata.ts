// Our client registration metadata (config/clients.json): what a client demands of every sign-in, and whether a
// confidential web client may leave PKCE out (docs/integrators.md "Registering a client").
import type { Client, Configuration } from 'oidc-provider';

const BOOLEAN_PROPERTIES = ['require_mfa', 'require_phishing_resistant', 'require_pkce'] as const;
type Property = (typeof BOOLEAN_PROPERTIES)[number];

// RFC 9700 §2.1.1: PKCE by default for every client; public and native clients can never turn it off.
const DEFAULTS: Record<Property, boolean> = { require_mfa: false, require_phishing_resistant: false, require_pkce: true };

const isProperty = (key: string): key is Property => (BOOLEAN_PROPERTIES as readonly string[]).includes(key);

export const extraClientMetadata: NonNullable<Configuration['extraClientMetadata']> = {
  properties: [...BOOLEAN_PROPERTIES],
  validator(_ctx, key, value, metadata) {
    if (!isProperty(key)) return;
    if (value === undefined) metadata[key] = DEFAULTS[key];
    else if (typeof value !== 'boolean') throw new Error(`${key} must be a boolean`);
    if (key === 'require_pkce' && metadata.require_pkce === false) {
      const publicClient = (metadata.token_endpoint_auth_method ?? 'client_secret_basic') === 'none';
      if (publicClient || metadata.application_type === 'native') {
        throw new Error('require_pkce: false is for confidential web clients only; public and native clients always use PKCE');
      }
    }
  },
};

/** Does an authorization request of this client need a code_challenge? */
export function pkceRequired(client: Client): boolean {
  return client.clientAuthMethod === 'none' || client.applicationType === 'native' || (client as unknown as Record<string, unknown>).require_pkce !== false;
}
