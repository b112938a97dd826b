// The discovery document (OIDC Discovery 1.0, RFC 8414) says what the endpoints accept, no more and no less; a test
// holds every field against the endpoints (test/integration/certifiable-op.test.ts).
import type { ClientAuthMethod, Configuration, SigningAlgorithm } from 'oidc-provider';
import { LOCALES } from '../http/i18n.js';

/** Client authentication at the token, introspection, revocation, PAR and device authorization endpoints alike. */
export const CLIENT_AUTH_METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
export const CLIENT_AUTH_SIGNING_ALGS: SigningAlgorithm[] = ['HS256', 'RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA'];

// Claims that are not about the user: protocol claims of the ID token, listed by the library because the claims
// parameter may name them.
const NOT_USER_CLAIMS = new Set(['sid', 'iss']);

/** Fields the library leaves out (it fills only what is missing from its own). */
export const discoveryAdditions: NonNullable<Configuration['discovery']> = {
  introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
  introspection_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_SIGNING_ALGS,
  revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
  revocation_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_SIGNING_ALGS,
  ui_locales_supported: [...LOCALES],
  // request_uri works, but only with the values our PAR endpoint hands out: no client can register its own
  require_request_uri_registration: true,
};

interface KoaLike {
  path: string;
  body: unknown;
}

/** oidc-provider middleware (provider.use): corrects the fields the library sets itself. */
export async function truthfulDiscovery(ctx: KoaLike, next: () => Promise<void>): Promise<void> {
  await next();
  if (!ctx.path.startsWith('/.well-known/') || typeof ctx.body !== 'object' || ctx.body === null) return;
  const body = ctx.body as Record<string, unknown>;
  if (!('issuer' in body)) return;
  // the library says false whatever PAR is; a request_uri from the PAR endpoint is accepted (RFC 9126 §4)
  if (body.pushed_authorization_request_endpoint) body.request_uri_parameter_supported = true;
  if (Array.isArray(body.claims_supported)) body.claims_supported = body.claims_supported.filter((c) => !NOT_USER_CLAIMS.has(String(c)));
}
