// The admin console as an OIDC client of its own provider: code flow with PKCE, state and nonce, demanding the MFA acr (B12).
import * as oidc from 'openid-client';
import { ACR } from '../provider/acr.js';

export const ADMIN_CLIENT_ID = 'admin-console';

export interface AdminSignInDeps {
  issuer: string;
  /** the client's secret as registered with the provider (read from its client registry) */
  clientSecret(): Promise<string>;
}

export interface AdminIdentity {
  sub: string;
  acr: string | undefined;
  amr: string[];
  authTime: number | undefined;
  /** the ID token itself: the hint that signs this session out without a question (B26) */
  idToken: string;
}

export function adminSignIn(deps: AdminSignInDeps) {
  const redirectUri = `${deps.issuer}/admin/callback`;
  let configuration: Promise<oidc.Configuration> | undefined;

  // Discovery against our own issuer, once; a failure (e.g. the first request before the listener is up) is retried later.
  const config = () => {
    configuration ??= (async () => {
      const secret = await deps.clientSecret();
      const insecure = deps.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
      return oidc.discovery(new URL(deps.issuer), ADMIN_CLIENT_ID, undefined, oidc.ClientSecretBasic(secret), insecure);
    })().catch((err: unknown) => {
      configuration = undefined;
      throw err;
    });
    return configuration;
  };

  return {
    redirectUri,

    async start(opts: { loginHint?: string; uiLocales?: string }) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        // the client is registered with require_mfa too; asking for the MFA acr makes the demand explicit (B4, B12)
        acr_values: ACR.mfa,
        // on a shared register an old session is not enough to open the console: authenticated in the last 15 minutes
        max_age: '900',
        ...(opts.loginHint ? { login_hint: opts.loginHint } : {}),
        ...(opts.uiLocales ? { ui_locales: opts.uiLocales } : {}),
      });
      return { url, state, nonce, verifier };
    },

    /** Redeems the code (state, nonce, PKCE and the ID token are checked by openid-client) and returns who signed in. */
    async finish(callbackQuery: string, login: { state: string; nonce: string; verifier: string }): Promise<AdminIdentity> {
      const tokens = await oidc.authorizationCodeGrant(await config(), new URL(`${redirectUri}${callbackQuery}`), {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      // idTokenExpected makes openid-client refuse a response without one, so this is only a guard
      if (!claims) throw new Error('the token response has no ID token');
      return {
        sub: claims.sub,
        acr: typeof claims.acr === 'string' ? claims.acr : undefined,
        amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
        authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
        idToken: tokens.id_token ?? '',
      };
    },
  };
}

export type AdminSignIn = ReturnType<typeof adminSignIn>;
