// Browser-style sign-in against Keycloak: the generic form driver with Keycloak's endpoints and field names (username, password, otp).
import { createFormBrowser, type FormBrowser } from '../lib/browser.js';
import type { TotpSource } from '../lib/totp.js';
import { CLIENT_ID, REALM, REDIRECT_URI } from './realm.js';

export function createKeycloakBrowser(opts: { baseUrl: string; clientSecret: string; totp: TotpSource }): FormBrowser {
  const oidc = `${opts.baseUrl}/realms/${REALM}/protocol/openid-connect`;
  return createFormBrowser({
    name: 'keycloak',
    client: {
      authorizationEndpoint: `${oidc}/auth`,
      tokenEndpoint: `${oidc}/token`,
      clientId: CLIENT_ID,
      clientSecret: opts.clientSecret,
      redirectUri: REDIRECT_URI,
      scope: 'openid',
    },
    fields: {
      username: (u) => u.username,
      password: (u) => u.password,
      otp: (u) => opts.totp.nextCode(u.username, u.totpSecret),
    },
  });
}
