// The relying-party side of a sign-in: PKCE S256, the authorization URL, and token requests with client_secret_basic.
import { createHash, randomBytes } from 'node:crypto';

export interface OidcClient {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  verifier: string;
}

export interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

// long enough to see a stall (the soak measures them) rather than cut it short
export const REQUEST_TIMEOUT_MS = 180_000;

const b64url = (buf: Buffer) => buf.toString('base64url');

export function authorizationRequest(client: OidcClient): AuthorizationRequest {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const url = new URL(client.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    scope: client.scope,
    redirect_uri: client.redirectUri,
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, state, verifier };
}

/** The code from the client's redirect URI, after checking error and state. */
export function codeFrom(callback: URL, request: AuthorizationRequest, who: string): string {
  const cb = callback.searchParams;
  if (cb.get('error')) throw new Error(`${who}: callback error ${cb.get('error')}: ${cb.get('error_description') ?? ''}`);
  if (cb.get('state') !== request.state) throw new Error(`${who}: state mismatch in callback`);
  const code = cb.get('code');
  if (!code) throw new Error(`${who}: callback without code: ${callback.search}`);
  return code;
}

/** A token request; resolves only with a response that carries a refresh token. */
export async function tokenRequest(client: OidcClient, params: URLSearchParams, who: string): Promise<TokenResponse & { refresh_token: string }> {
  // RFC 6749 2.3.1: id and secret are form-encoded before they go into the Basic header
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  const res = await fetch(client.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: params,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json: TokenResponse = {};
  try {
    json = JSON.parse(text) as TokenResponse;
  } catch {
    // reported below
  }
  if (!res.ok || !json.refresh_token) {
    const why = json.error ? `${json.error}: ${json.error_description ?? ''}` : text.slice(0, 200);
    throw new Error(`${who}: token endpoint answered ${res.status} ${why}${res.ok ? ' (no refresh_token)' : ''}`);
  }
  return json as TokenResponse & { refresh_token: string };
}

export function codeGrant(client: OidcClient, code: string, verifier: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier });
}

export function refreshGrant(refreshToken: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
}
