// The bench's client registry (CLIENTS_FILE): one confidential client with a known secret and the refresh_token grant,
// and the admin console.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CLIENT_ID = 'bench-client';
// the registry's placeholder for the provider's issuer, filled in when the provider reads the file
const ISSUER = '$' + '{ISSUER}';
/** Nothing listens here: the driver stops at the redirect and redeems the code itself. */
export const REDIRECT_URI = 'http://127.0.0.1:1/callback';

/** Writes clients.json into `dir`; returns its path and the client secret. */
export async function writeClientsFile(dir: string): Promise<{ file: string; clientSecret: string }> {
  const clientSecret = randomBytes(24).toString('base64url');
  const file = join(dir, 'clients.json');
  const registry = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'Benchmark client',
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'web',
        // the refresh_token grant is what makes the provider issue refresh tokens (issueRefreshToken)
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        require_mfa: false,
      },
      {
        // the admin console signs in through the provider (bench/audit.ts reads the audit log there)
        client_id: 'admin-console',
        client_name: 'Admin console',
        client_secret: randomBytes(24).toString('base64url'),
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${ISSUER}/admin/callback`],
        post_logout_redirect_uris: [`${ISSUER}/admin`],
        require_mfa: true,
      },
    ],
  };
  await writeFile(file, `${JSON.stringify(registry, null, 2)}\n`, { mode: 0o600 });
  return { file, clientSecret };
}
