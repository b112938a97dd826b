// oidc-provider configuration: code flow + PKCE, rotating refresh tokens, our interactions, acr/amr, logout pages.
import Provider, { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Services } from '../container.js';
import type { Renderer } from '../http/page.js';
import { pickLocale } from '../http/i18n.js';
import { ACR, ACR_VALUES } from './acr.js';
import { buildInteractionPolicy } from './interaction-policy.js';
import { approvalRichAuthorizationRequests, carriesApproval } from './approval-requests.js';
import { renderProviderError } from './render-error.js';
import { keepOfflineAccess } from './offline-access.js';
import { TTL } from './lifetimes.js';
import { mongoAdapterFactory } from './mongo-adapter.js';
import { beginFlow } from '../flow/runner.js';
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

export function createProvider(deps: ProviderDeps): Provider {
  const { services, render } = deps;

  // B19: the register a quick-switch token was issued on (one indexed read, only for tokens of a quick switch)
  const switchRegister = async (accountId: string, token: { acr?: string; authTime?: number } | undefined) =>
    token?.acr === ACR.switch && typeof token.authTime === 'number' ? await services.quickSwitch.registerOfSwitch(accountId, token.authTime) : undefined;

  const configuration: Configuration = {
    adapter: mongoAdapterFactory(services.payloads, services.once, services.clock, {
      limits: services.sessionLimits,
      backchannelClients: new Set(deps.clients.filter((c) => c.backchannel_logout_uri).map((c) => c.client_id)),
    }),
    clients: deps.clients,
    jwks: deps.secrets.jwks as Configuration['jwks'],
    cookies: { keys: deps.secrets.cookieKeys },
    acrValues: ACR_VALUES,
    claims: {
      acr: null,
      sid: null,
      iss: null,
      // how and when the user authenticated goes into every ID token, requested or not (B4); a quick switch also
      // names the register it happened on (B19)
      openid: ['sub', 'acr', 'amr', 'auth_time', 'register'],
      profile: ['name', 'preferred_username', 'locale'],
      email: ['email', 'email_verified'],
      store: ['store', 'store_name', 'role'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'store'],
    // not a new parameter: a hook that runs after oidc-provider's checks of the request (src/provider/offline-access.ts)
    extraParams: { scope: keepOfflineAccess },
    extraClientMetadata: {
      // a client may demand MFA, or a phishing-resistant factor (a passkey), for every sign-in
      properties: ['require_mfa', 'require_phishing_resistant'],
      validator(_ctx, key, value, metadata) {
        if (key !== 'require_mfa' && key !== 'require_phishing_resistant') return;
        if (value === undefined) metadata[key] = false;
        else if (typeof value !== 'boolean') throw new Error(`${key} must be a boolean`);
      },
    },
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
            locale: user.locale ?? undefined,
            email: user.email ?? undefined,
            email_verified: user.email ? user.emailVerified : undefined,
            store: store?.prefix,
            store_name: store?.name,
            role: user.role,
            register,
          };
        },
      };
    },
    interactions: {
      policy: buildInteractionPolicy(),
      // the flow's initial state is made here and stored in the same write as the interaction (src/flow/store.ts)
      async url(ctx, interaction) {
        await beginFlow(services, interaction, ctx.oidc.client, ctx.get('accept-language'));
        return `/interaction/${interaction.uid}`;
      },
    },
    // First-party clients only: the grant covers what the client asked for, no consent screen.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const { session, client } = oidc;
      // the library asks only while authorizing, with the request's session and client loaded
      if (!session || !client) throw new Error('loadExistingGrant called without a session or client');
      const grantId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
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
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
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
      richAuthorizationRequests: approvalRichAuthorizationRequests(deps.resourceServers.filter((r) => r.approvals).map((r) => r.indicator)),
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const locale = localeOf(ctx);
          ctx.type = 'html';
          ctx.set('Cache-Control', 'no-store');
          ctx.body = render.page('logout', { form, clientName: ctx.oidc.client?.clientName ?? '' }, locale);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.set('Cache-Control', 'no-store');
          ctx.body = render.page('logout-done', {}, localeOf(ctx));
        },
      },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    // Access tokens (JWT and introspection alike) say how the user authenticated, kept unchanged across refresh (B4; checklist 76).
    async extraTokenClaims(ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      if (!source) return undefined;
      const register = await switchRegister(String(source.accountId), source);
      return { acr: source.acr, amr: source.amr, auth_time: source.authTime, ...(register ? { register } : {}) };
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
  provider.on('server_error', (ctx, err) => {
    if (isDatabaseUnavailable(err)) return markUnavailable(ctx, err);
    services.logger.error({ err }, 'oidc-provider server error');
  });
  return provider;
}
