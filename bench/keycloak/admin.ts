// Minimal Keycloak admin REST client: master-realm token via admin-cli (renewed before it lapses), JSON requests.
export interface AdminClient {
  /** JSON request against /admin/realms...; throws on a non-2xx answer. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

interface TokenResponse {
  access_token: string;
  expires_in: number;
}

export function createAdminClient(baseUrl: string, username: string, password: string): AdminClient {
  let token = '';
  let expiresAt = 0;

  async function accessToken(): Promise<string> {
    // master's access tokens live 60 s by default; renew with a margin so long imports do not hit a 401.
    if (token && Date.now() < expiresAt - 15_000) return token;
    const res = await fetch(`${baseUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password }),
    });
    if (!res.ok) throw new Error(`keycloak admin: token request answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const json = (await res.json()) as TokenResponse;
    token = json.access_token;
    expiresAt = Date.now() + json.expires_in * 1000;
    return token;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await accessToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Importing users hashes every password with argon2id server-side; give a batch time.
      signal: AbortSignal.timeout(600_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`keycloak admin: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return { request };
}
