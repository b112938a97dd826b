// oidc-provider configuration: code flow + PKCE per client, DPoP, PAR, device grant, our interactions, acr/amr, logout.
import Provider, { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Services } from '../container.js';
import type { Renderer } from '../http/page.js';
import { pickLocale } from '../http/i18n.js';
import { ACR, ACR_VALUES } from './acr.js';
import { buildInteractionPolicy } from './interaction-policy.js';
import { approvalRichAuthorizationRequests, carriesApproval } from './approval-requests.js';
import { renderProviderError } from './render-error.js';
import { rpInitiatedLogout } from './logout.js';
import { checkDeviceName, deviceFlow, userCodeThrottle } from './device-flow.js';
import { DEVICE_TYPE, deviceClaim, isDeviceApproval, withDeviceDetails } from './device-details.js';
import { keepOfflineAccess } from './offline-access.js';
import { TTL } from './lifetimes.js';
import { CLIENT_AUTH_METHODS, CLIENT_AUTH_SIGNING_ALGS, discoveryAdditions, truthfulDiscovery } from './discovery.js';
import { storeTimeZone } from '../services/policy/time-zone.js';
import { userLanguage } from '../services/account/language.js';
import { extraClientMetadata, pkceRequired } from './client-metadata.js';
import { mongoAdapterFactory } from './mongo-adapter.js';
import { beginFlow, startedFlow } from '../flow/runner.js';
import { markUnavailable } from '../http/database-trouble.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { DeploymentSecrets } from './deployment-secrets.js';
import type { ResourceServerConfig } from './resource-servers.js';

export interface ProviderDeps {
  issuer: string;
  clients: ClientMetadata[];
  resourceServers: ResourceServerConfig[];
  secrets: DeploymentSecrets;
  services: Services;
  render: Renderer;
  trustProxy: boolean;
  /**
   * Outgoing requests (back-channel logout) may reach loopback and private addresses. oidc-provider refuses them
   * (SSRF protection), which stays on in production; in development the demo POS listens on localhost.
   */
  allowPrivateAddresses?: boolean;
}

const localeOf = (ctx: KoaContextWithOIDC) =>
  pickLocale((ctx.oidc?.params?.ui_locales as string | undefined) ?? undefined, ctx.get('accept-language'));
// a device's approver reads the pages in their browser's language (a device's ui_locales are for its own screen)
const approverLocale = (ctx: KoaContextWithOIDC) => pickLocale(undefined, ctx.get('accept-language'));

export function createProvider(deps: ProviderDeps): Provider {
  const { services, render } = deps;

  // B19: the register a quick-switch token was issued on (one indexed read, only for tokens of a quick switch)
  const switchRegister = async (accountId: string, token: { acr?: string; authTime?: number } | undefined) =>
    token?.acr === ACR.switch && typeof token.authTime === 'number' ? await services.quickSwitch.registerOfSwitch(accountId, token.authTime) : undefined;

  const configuration: Configuration = {
    adapter: mongoAdapterFactory(services.payloads, services.clock, {
      limits: services.sessionLimits,
      backchannelClients: new Set(deps.clients.filter((c) => c.backchannel_logout_uri).map((c) => c.client_id)),
    }),
    clients: deps.clients,
    jwks: deps.secrets.jwks as Configuration['jwks'],
    cookies: { keys: deps.secrets.cookieKeys },
    acrValues: ACR_VALUES,
    clientAuthMethods: CLIENT_AUTH_METHODS,
    enabledJWA: { clientAuthSigningAlgValues: CLIENT_AUTH_SIGNING_ALGS },
    // what the library's discovery document leaves out (src/provider/discovery.ts)
    discovery: discoveryAdditions,
    claims: {
      acr: null,
      sid: null,
      iss: null,
      // how and when the user authenticated goes into every ID token, requested or not (B4); a quick switch also
      // names the register it happened on (B19); a device's tokens name the device a staff member approved (B25)
      openid: ['sub', 'acr', 'amr', 'auth_time', 'register', 'device'],
      // what the product knows of a person (OIDC Core §5.4; there are no given or family names, nor a picture); zoneinfo
      // is the time zone of the user's store, the one their business day and deadlines count in
      profile: ['name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at'],
      email: ['email', 'email_verified'],
      store: ['store', 'store_name', 'role'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'store'],
    // not a new parameter: a hook that runs after oidc-provider's checks of the request (src/provider/offline-access.ts)
    extraParams: { scope: keepOfflineAccess, device_name: checkDeviceName },
    // require_mfa, require_phishing_resistant, require_pkce (src/provider/client-metadata.ts)
    extraClientMetadata,
    async findAccount(_ctx, sub, token) {
      // claims may lag a change by a few seconds; revocations end the tokens themselves
      const user = await services.users.recentById(sub);
      if (!user?.active) return undefined;
      const store = await services.users.storeById(user.storeId);
      const register = await switchRegister(sub, token as { acr?: string; authTime?: number } | undefined);
      return {
        accountId: user.id,
        async claims() {
          return {
            sub: user.id,
            name: user.name,
            preferred_username: user.username,
            // the person's language, by the one rule their emails follow (B22)
            locale: userLanguage(user, store),
            zoneinfo: store ? storeTimeZone({ country: store.country, timeZone: store.policy.timeZone }) : undefined,
            updated_at: user.updatedAt ? Math.floor(user.updatedAt.getTime() / 1000) : undefined,
            email: user.email ?? undefined,
            email_verified: user.email ? user.emailVerified : undefined,
            store: store?.prefix,
            store_name: store?.name,
            role: user.role,
            register,
            device: deviceClaim(token),
          };
        },
      };
    },
    interactions: {
      policy: buildInteractionPolicy(),
      // the flow's initial state is made here and stored in the same write as the interaction (src/flow/store.ts)
      async url(ctx, interaction) {
        startedFlow(ctx, await beginFlow(services, interaction, ctx.oidc.client, ctx.get('accept-language')));
        return `/interaction/${interaction.uid}`;
      },
    },
    // First-party clients only: the grant covers what the client asked for, no consent screen.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const { session, client } = oidc;
      // the library asks only while authorizing, with the request's session and client loaded
      if (!session || !client) throw new Error('loadExistingGrant called without a session or client');
      // B25: each approved device gets a grant of its own, made once its approver has signed in
      const device = isDeviceApproval(ctx);
      if (device && !oidc.result?.login) return undefined;
      const grantId = device ? undefined : (oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId));
      // a grant revoked meanwhile (e.g. sessions ended elsewhere) is simply made again for this session
      const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = found ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
        const allowed = new Set(String(server.scope ?? '').split(' '));
        grant.addResourceScope(indicator, [...oidc.requestParamScopes].filter((s) => allowed.has(s)).join(' '));
      }
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      // the device detail its tokens carry (src/provider/device-details.ts)
      if (device) grant.addRar({ type: DEVICE_TYPE });
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // on purpose (docs/integrators.md "DPoP and PAR"): a public client's refresh tokens bound to its key (RFC 9449), and
      // authorization requests pushed by the client's backend (RFC 9126); a registration may demand either
      // (dpop_bound_access_tokens, require_pushed_authorization_requests)
      dPoP: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      // JWT access tokens for the configured resource servers (RFC 8707, RFC 9068)
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          const server = deps.resourceServers.find((r) => r.indicator === indicator);
          if (!server) throw new errors.InvalidTarget();
          return { scope: server.scope, audience: server.indicator, accessTokenFormat: 'jwt', accessTokenTTL: server.accessTokenTTL ?? 600, jwt: { sign: { alg: 'ES256' } } };
        },
      },
      // B16: every client with a backchannel_logout_uri is told when a session it signed in with ends; the
      // deliveries go through our outbox (src/logout/backchannel.ts)
      backchannelLogout: { enabled: true },
      // B20: manager approval of one transaction, as RFC 9396 authorization details (src/provider/approval-requests.ts)
      richAuthorizationRequests: withDeviceDetails(approvalRichAuthorizationRequests(deps.resourceServers.filter((r) => r.approvals).map((r) => r.indicator))),
      // B25: the device authorization grant for POS hardware, approved by a staff member's full sign-in
      deviceFlow: deviceFlow({ render, services, localeOf: approverLocale }),
      // B26: a valid id_token_hint of this session signs out without the question (src/provider/logout.ts)
      rpInitiatedLogout: rpInitiatedLogout(render, localeOf),
    },
    // public and native clients always; a confidential web client unless its registration says require_pkce: false
    pkce: { required: (_ctx, client) => pkceRequired(client) },
    responseTypes: ['code'],
    // Access tokens (JWT and introspection alike) say how the user authenticated, kept unchanged across refresh (B4; checklist 76).
    async extraTokenClaims(ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.DeviceCode;
      if (!source) return undefined;
      const register = await switchRegister(String(source.accountId), source);
      const device = deviceClaim(source);
      return { acr: source.acr, amr: source.amr, auth_time: source.authTime, ...(register ? { register } : {}), ...(device ? { device } : {}) };
    },
    issueRefreshToken: async (_ctx, client, source) => client.grantTypeAllowed('refresh_token') && !carriesApproval(source as never),
    // Tokens belong to their grant, not to the browser session: signing out and every revocation end the grant and
    // its tokens, while a provider session that merely times out leaves a POS app's refresh token to its own
    // lifetime. It also spares every token request a session lookup.
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    // refresh tokens: an absolute lifetime that rotation does not extend (src/provider/lifetimes.ts)
    ttl: TTL,
    renderError: renderProviderError(render, localeOf),
    ...(deps.allowPrivateAddresses
      ? { fetch: (url: Parameters<typeof fetch>[0], options?: RequestInit) => globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit) }
      : {}),
  };

  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  provider.use(truthfulDiscovery);
  // B25: an address that sent too many wrong device codes is refused before the next one is looked up
  provider.use(userCodeThrottle({ render, services, localeOf: approverLocale }, provider.pathFor('code_verification')));
  provider.on('server_error', (ctx, err) => {
    if (isDatabaseUnavailable(err)) return markUnavailable(ctx, err);
    services.logger.error({ err }, 'oidc-provider server error');
  });
  return provider;
}
