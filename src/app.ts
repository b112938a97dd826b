// The Koa app: one flat, commented list of middleware in front of oidc-provider.
import path from 'node:path';
import Koa from 'koa';
import mount from 'koa-mount';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import { createServices, type Services } from './container.js';
import { loadDeploymentSecrets } from './provider/deployment-secrets.js';
import { checkClients, loadClients } from './provider/clients.js';
import { loadResourceServers } from './provider/resource-servers.js';
import { createProvider } from './provider/create-provider.js';
import { postAsGet } from './provider/post-endpoints.js';
import { createAssets } from './http/assets.js';
import { createPageRenderer } from './http/page.js';
import { httpShell } from './http/shell.js';
import { clientAddressLayer, trustsProxies } from './http/client-address.js';
import { unitOfWork } from './http/unit-of-work.js';
import { requestClient } from './http/request-client.js';
import { routeBackchannelLogoutThroughOutbox } from './logout/backchannel.js';
import { createLogoutWorker, type LogoutWorker } from './logout/worker.js';
import { providerDatabaseTrouble } from './http/database-trouble.js';
import { interactionRouter } from './flow/runner.js';
import { interactionTokens } from './flow/tokens.js';
import { accountRouter } from './account/routes.js';
import { adminRouter } from './admin/routes.js';
import { createUnlockLinks, devMailRouter, unlockRouter, verifyEmailRouter, type MailCatcher } from './mail/index.js';
import { passwordResetRouter } from './password-reset/routes.js';
import { approvalRedeemRouter } from './approval/redeem.js';
import type { Notifier } from './services/notifications/index.js';
import type { Observer } from './services/observe/index.js';
import { healthEndpoints } from './http/health.js';
import { registerCookieFor } from './http/register-cookie.js';
import { PROJECT_ROOT } from './root.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  notify?: Notifier;
  clock?: () => Date;
  /** Waits on `clock` (src/container.ts); real time by default. */
  sleepUntil?: (at: Date) => Promise<void>;
  /** Monitoring of sign-ins, throttling and breach checks (src/metrics/registry.ts). */
  observe?: Observer;
  /** The development mail catcher (no SMTP_URL): its emails are shown at /dev/mail, never in production. */
  devMail?: MailCatcher;
  /** how often the back-channel logout worker polls (ms) */
  logoutPollMs?: number;
}

export async function createApp(deps: AppDeps): Promise<{ app: Koa; services: Services; provider: ReturnType<typeof createProvider>; logoutWorker: LogoutWorker }> {
  const { config, db, logger } = deps;
  const secrets = await loadDeploymentSecrets(config, db.models);
  const services = createServices({ config, models: db.models, secrets, logger, notify: deps.notify, clock: deps.clock, sleepUntil: deps.sleepUntil, observe: deps.observe });
  const assets = createAssets(PROJECT_ROOT);
  // in development without SMTP_URL every page points to /dev/mail, where its emails land (issue 23)
  const render = createPageRenderer({ root: PROJECT_ROOT, productName: config.productName, assets, devMailUrl: deps.devMail && !config.production ? '/dev/mail' : undefined });
  const vars = { ISSUER: config.issuer, DEMO_URL: config.demo.url };
  const clients = await loadClients(path.resolve(PROJECT_ROOT, config.clientsFile), vars, { production: config.production });
  const resourceServers = await loadResourceServers(path.resolve(PROJECT_ROOT, config.resourceServersFile), vars);
  const proxied = trustsProxies(config.trustProxy);
  const provider = createProvider({ issuer: config.issuer, clients, resourceServers, secrets, services, render, trustProxy: proxied, allowPrivateAddresses: !config.production });
  await checkClients(provider, clients, config.clientsFile);
  // B16: back-channel logout tokens leave through the outbox; the worker is started by the caller (src/main.ts)
  const deliverLogout = routeBackchannelLogoutThroughOutbox(provider, services.logoutOutbox, services.clock);
  const logoutWorker = createLogoutWorker({
    outbox: services.logoutOutbox,
    deliver: deliverLogout,
    storeOf: async (accountId) => (await services.users.recentById(accountId))?.storeId,
    audit: services.audit,
    logger,
    clock: services.clock,
    pollMs: deps.logoutPollMs,
  });
  const secure = config.issuer.startsWith('https://');
  const [csrfKey] = secrets.cookieKeys;
  if (!csrfKey) throw new Error('no cookie signing key');

  const app = new Koa();
  // X-Forwarded-Proto/Host only from trusted proxies; the client address by src/http/client-address.ts
  app.proxy = proxied;
  app.keys = secrets.cookieKeys;

  // 1-5. Security headers, errors, assets, no-store, form bodies (src/http/shell.ts).
  app.use(clientAddressLayer(config.trustProxy));
  for (const layer of httpShell({ render, logger, assets })) app.use(layer);
  // 5b. Liveness and readiness probes: before anything that reads the database or counts requests.
  app.use(
    healthEndpoints({
      pingDatabase: async () => {
        if (!db.conn.db) throw new Error('no database handle');
        await db.conn.db.command({ ping: 1 });
      },
      signingKeysLoaded: () => secrets.jwks.keys.some((k) => typeof k.d === 'string'),
    }),
  );
  // 6. One unit of work per request (src/http/unit-of-work.ts).
  app.use(unitOfWork(services.payloads, logger));
  // 6b. Who is asking (address, browser), for the provider session's record (B15; src/http/request-client.ts).
  app.use(requestClient());
  // 7. The sign-in steps.
  const deviceCookie = { name: secure ? '__Host-device' : 'device', secure };
  const knownCookie = { name: secure ? '__Host-known' : 'known', secure };
  const registerCookie = registerCookieFor(secure);
  const interactions = interactionRouter({ provider, services, render, tokens: interactionTokens(csrfKey), deviceCookie, knownCookie, registerCookie });
  app.use(interactions.routes());
  // 7b. The admin console (pages + /admin/api), signing in through this provider with MFA (D5, B12).
  app.use(adminRouter({ provider, services, render, models: db.models, issuer: config.issuer, registerCookie }).routes());
  // 7c. The "Verify email address" link of the MFA email (S6): public, token-signed, marks the address verified.
  app.use(verifyEmailRouter({ services, models: db.models, render, cookieKeys: secrets.cookieKeys }).routes());
  // 7d. The "Unlock sign-in" link of the lock-out email (B18): public, token-signed, confirmed by a POST.
  app.use(unlockRouter({ services, links: createUnlockLinks({ cookieKeys: secrets.cookieKeys, clock: services.clock }), render }).routes());
  // 7e. The "Reset your password" link (B14): public, token-signed; the second factor, then the new password.
  app.use(passwordResetRouter({ provider, services, render, deviceCookie, knownCookie }).routes());
  // 7e2. A manager's approval token used once by a POS's backend (B20), atomically on the provider's side.
  app.use(approvalRedeemRouter({ provider, services, issuer: config.issuer, jwks: secrets.jwks as never, audiences: resourceServers.filter((r) => r.approvals).map((r) => r.indicator) }).routes());
  // 7f. Development without a mail server: the caught emails (the route does not exist in production).
  if (deps.devMail && !config.production) app.use(devMailRouter({ catcher: deps.devMail, render }).routes());
  // 8. The user's own Security & ID pages.
  app.use(accountRouter({ provider, services, render, issuer: config.issuer, csrfKey }).routes());
  // 8b. POST at the authorization and end-session endpoints: a 303 to the same endpoint as a GET, so the session
  //     cookie (SameSite=Lax) comes along (src/provider/post-endpoints.ts).
  app.use(postAsGet([provider.pathFor('authorization'), provider.pathFor('end_session')]));
  // 9. Everything else is OpenID Connect; its answers to a database failure become our 503.
  app.use(providerDatabaseTrouble());
  //    A sign-in's first page comes with the authorization request's answer, not behind a redirect (src/flow/runner.ts).
  app.use(interactions.firstPage);
  app.use(mount(provider));

  return { app, services, provider, logoutWorker };
}
