// Starts the real provider on the real embedded database (plus a fake HIBP range API) for integration tests.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Server } from 'node:http';
import pino from 'pino';
import { type mongo, Types } from 'mongoose';
import * as oidc from 'openid-client';
import { loadConfig, type Config } from '../../src/config.js';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { createApp } from '../../src/app.js';
import type { Services } from '../../src/container.js';
import type { Notification, Notifier } from '../../src/services/notifications/index.js';
import { loadDeploymentSecrets } from '../../src/provider/deployment-secrets.js';
import { createMailNotifier, createMailWorker, mailDelivery, type MailCatcher, type OutboxWorker } from '../../src/mail/index.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { startMetricsServer } from '../../src/metrics/server.js';
import { mongoOutboxBacklog } from '../../src/models/stores/outbox.js';
import { startTestDatabase, type TestDatabase } from './database.js';
import { startFakeHibp, type FakeHibp } from './fake-hibp.js';
import { freePort } from './free-port.js';
import { type Agent, formOf } from './agent.js';
import { type AppClock, AuthenticatorApp } from './totp-device.js';
import { alongTestTime, testTime } from './test-clock.js';
import { countRequests, sleepUntilOn } from './idle-waits.js';
import type { ClaimWithSlot } from '../../src/services/totp/index.js';
import type { BindingGrant } from '../../src/services/binding/index.js';
import { linkGrant } from './grant.js';
import type { LogoutWorker } from '../../src/logout/worker.js';
import { requestScope } from '../../src/models/stores/request-scope.js';

export const BREACHED_PASSWORD = 'breached-password-123';

export interface Stack {
  issuer: string;
  /** The provider's Koa app (its routers list every route, test/integration/request-bodies.test.ts). */
  app: Koa;
  /** Resolves once the work requests left for after their answers (an email, say) is done. */
  settled(): Promise<void>;
  /** Holds that work back until the returned function is called (to time answers alone). */
  holdAfterAnswer(): () => void;
  db: Database;
  services: Services;
  hibp: FakeHibp;
  notifications: Notification[];
  demoUrl: string;
  config: Config;
  /** Every database command sent so far. */
  commands: CommandLog;
  /** The outbox worker, when the stack runs with the real outbox (see StackOptions). */
  outbox?: OutboxWorker;
  /** The development mail catcher, when the real outbox runs without SMTP_URL (as `npm start` does). */
  devMail?: MailCatcher;
  /** GET /metrics on its own port, when the stack runs with metrics (see StackOptions). */
  metricsUrl?: string;
  /** The back-channel logout worker (B16): started when StackOptions.logouts says so, else drain() it. */
  logouts: LogoutWorker;
  /** The services' clock, and moving it on (what the authenticator apps of enrol() do; ./test-clock.ts). */
  time: AppClock;
  close(): Promise<void>;
  createStore(prefix: string, extra?: Record<string, unknown>): Promise<string>;
  createUser(storeId: string, username: string, role: string, password: string, extra?: Record<string, unknown>): Promise<string>;
  client(clientId?: string, secret?: string): Promise<oidc.Configuration>;
  // failures on record for an account ("acct:<storeId>:<username>"), as if they happened `secondsAgo` ago (B2 tests);
  // secondFactor: wrong codes after a right password, which also count there (what holds a code back, checklist 24)
  pastFailures(key: string, count: number, secondsAgo?: number, opts?: { secondFactor?: boolean }): Promise<void>;
  failures(key: string): Promise<number>;
  clearFailures(): Promise<void>;
  // a temporary access pass for a user's first authenticator, as an admin would hand it over (B17)
  accessPass(userId: string): Promise<string>;
  // a throttle slot of its own for a direct call of mfa.verifyCode (as a sign-in step would claim one)
  claim(): ClaimWithSlot;
  // sets MFA up for a user through the real service and returns the test's authenticator app for it
  enrol(userId: string, storePrefix: string, username: string): Promise<AuthenticatorApp>;
  /** The binding rule's grant for a user's next factor, as a temporary access pass gets it (test set-up). */
  grant(userId: string): Promise<BindingGrant>;
}

export interface StackOptions {
  /**
   * Run the real email outbox (B6): notifications are still recorded in `notifications`, and also written to the
   * outbox and sent by a worker polling every pollMs (default 100; 0: only drain() sends) to env.SMTP_URL
   * (e.g. a startSmtpSink() from ./smtp.ts). Default: on when env.SMTP_URL is given.
   */
  outbox?: boolean | { pollMs?: number };
  /** A database the test controls (to stop and start it); by default one of the run's shared server. */
  database?: TestDatabase;
  /** Serve Prometheus metrics as src/main.ts does with METRICS_PORT (and METRICS_TOKEN from env), at stack.metricsUrl. */
  metrics?: boolean;
  /** Hand createApp a development mail catcher even when the configuration would not make one (production tests). */
  devMail?: MailCatcher;
  /**
   * The services' clock (TOTP, throttling, sessions, passes, deadlines, the sweeper): by default this test file's
   * testTime (./test-clock.ts); a clock of the test's own moves along with testTime.
   */
  clock?: () => Date;
  /** Run the back-channel logout worker, polling every pollMs (default: not started; drain() it). */
  logouts?: { pollMs?: number };
  /** Every line the provider logs, at the most verbose level (checklist 35: what the logs must never hold). */
  logs?: string[];
  /** What the provider logs goes here (default: silent, or TEST_LOG_LEVEL). */
  logger?: pino.Logger;
}

/** Every command the provider sent to the database, in order (MongoDB command monitoring). */
export type CommandLog = mongo.CommandStartedEvent[];

export async function startStack(env: Record<string, string> = {}, opts: StackOptions = {}): Promise<Stack> {
  const clock = opts.clock ? alongTestTime(opts.clock) : testTime.now;
  const time: AppClock = { now: clock, later: testTime.later };
  const database = opts.database ?? (await startTestDatabase());
  const hibp = await startFakeHibp({ [BREACHED_PASSWORD]: 4321 });
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  // nothing listens here: tests catch the redirect to the callback and redeem the code themselves
  const demoUrl = env.DEMO_URL ?? 'http://localhost:1/demo';
  const config = loadConfig({
    PORT: String(port),
    ISSUER: issuer,
    DEMO_URL: demoUrl,
    MONGODB_URI: database.uri,
    HIBP_BASE_URL: hibp.url,
    HIBP_TIMEOUT_MS: '500',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const commands: CommandLog = [];
  const metrics = opts.metrics ? createMetrics() : undefined;
  const db = await connectDatabase(database.uri, { syncIndexes: database.syncIndexes, monitor: { started: (e) => commands.push(e), ...metrics?.dbMonitor } }).catch(
    async (err: unknown) => {
      // what was started for the stack would keep the test file's process from ending
      await hibp.close();
      await database.stop().catch(() => undefined);
      throw err;
    },
  );
  metrics?.watchOutbox(mongoOutboxBacklog(db.models));
  const notifications: Notification[] = [];
  // TEST_LOG_LEVEL=error shows what the provider logs while a test runs
  const logs = opts.logs;
  const logger =
    opts.logger ??
    (logs ? pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) }) : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  let notify: Notifier = async (n) => void notifications.push(n);
  let outbox: OutboxWorker | undefined;
  let devMail = opts.devMail;
  const outboxOpts = opts.outbox ?? Boolean(env.SMTP_URL);
  if (outboxOpts) {
    // SMTP_URL's server, or the development catcher, exactly as src/main.ts chooses
    const delivery = mailDelivery(config);
    devMail ??= delivery.catcher;
    const real = createMailNotifier({ config, models: db.models, secrets: await loadDeploymentSecrets(config, db.models), logger });
    notify = async (n) => {
      notifications.push(n);
      await real(n);
    };
    const pollMs = typeof outboxOpts === 'object' ? (outboxOpts.pollMs ?? 100) : 100;
    outbox = createMailWorker({ config, models: db.models, logger, pollMs, sender: delivery.sender });
    if (pollMs > 0) outbox.start();
  }
  const created = await createApp({ config, db, logger, notify, observe: metrics?.observer, devMail, clock, sleepUntil: sleepUntilOn(clock), logoutPollMs: opts.logouts?.pollMs ?? 100 }).catch(async (err: unknown) => {
    // a configuration the app refuses (a bad client registry, say): let go of what was started for it
    await outbox?.stop();
    await db.close();
    await hibp.close();
    await database.stop();
    throw err;
  });
  const { app, services, logoutWorker } = created;
  if (opts.logouts) logoutWorker.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  countRequests(server);
  const metricsServer = metrics && (await startMetricsServer(metrics.registry, 0, '127.0.0.1', config.metrics.token));
  const metricsAddress = metricsServer?.address();
  const metricsUrl = metricsAddress && typeof metricsAddress === 'object' ? `http://127.0.0.1:${metricsAddress.port}/metrics` : undefined;

  const accountOf = async (key: string) => {
    const [kind, storeId, username] = key.split(':');
    const user = kind === 'acct' && storeId && username ? await db.models.User.findOne({ storeId: new Types.ObjectId(storeId), username }).lean() : null;
    if (!user) throw new Error(`no account for throttle key ${key}`);
    return user;
  };

  const grantFor = async (userId: string) => {
    const user = await services.users.byId(userId);
    if (!user) throw new Error(`no user ${userId}`);
    return linkGrant(services.binding, user);
  };
  return {
    issuer,
    app,
    settled: () => requestScope.settled(),
    holdAfterAnswer: () => requestScope.hold(),
    db,
    commands,
    services,
    hibp,
    notifications,
    demoUrl,
    config,
    outbox,
    devMail,
    metricsUrl,
    logouts: logoutWorker,
    time,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (metricsServer) await new Promise((r) => metricsServer.close(r));
      await outbox?.stop();
      await logoutWorker.stop();
      await db.close();
      await hibp.close();
      await database.stop();
    },
    async createStore(prefix, extra = {}) {
      const s = await db.models.StoreAccount.create({ prefix, name: `${prefix} store`, country: 'NL', ...extra });
      return String(s._id);
    },
    async createUser(storeId, username, role, password, extra = {}) {
      const u = await db.models.User.create({
        storeId: new Types.ObjectId(storeId),
        username,
        name: `${username} name`,
        role: role as 'cashier',
        email: `${username}@example.test`,
        passwordHash: await services.passwords.hash(password),
        ...extra,
      });
      return String(u._id);
    },
    async pastFailures(key, count, secondsAgo = 120, opts = {}) {
      const user = await accountOf(key);
      const at = new Date(clock().getTime() - secondsAgo * 1000);
      const failures = (user.throttle?.failures ?? 0) + count;
      const afterPassword = { failures: (user.throttle?.afterPassword?.failures ?? 0) + count, lastFailureAt: at };
      await db.models.User.updateOne({ _id: user._id }, { $set: { 'throttle.failures': failures, 'throttle.lastFailureAt': at, ...(opts.secondFactor ? { 'throttle.afterPassword': afterPassword } : {}) } });
    },
    failures: async (key) => (await accountOf(key)).throttle?.failures ?? 0,
    async clearFailures() {
      await db.models.User.updateMany({}, { $set: { 'throttle.failures': 0, 'throttle.lastFailureAt': null, 'throttle.afterPassword': { failures: 0, lastFailureAt: null } } });
    },
    async accessPass(userId) {
      const user = await services.users.byId(userId);
      if (!user) throw new Error(`no user ${userId}`);
      return (await services.binding.issuePass(user, { actorId: null }, 'request')).pass;
    },
    claim() {
      const slot = { key: `test-slot:${randomUUID()}`, expiresAt: new Date(clock().getTime() + 60_000) };
      return (markers = []) => services.once.claimInOrder([slot, ...markers]);
    },
    async enrol(userId, storePrefix, username) {
      const pending = services.factors.totp.newPendingSecret();
      const { otpauthUri } = await services.factors.totp.describePending(pending, storePrefix, username);
      const app = new AuthenticatorApp(new URL(otpauthUri).searchParams.get('secret')!, time);
      const done = await services.factors.totp.confirmEnrolment(userId, pending, await app.code(), { actorId: userId }, await grantFor(userId));
      if (!done.ok) throw new Error('enrolment failed');
      return app;
    },
    grant: grantFor,
    client(clientId = 'demo-pos', secret = 'demo-pos-secret-change-me-in-production') {
      return oidc.discovery(new URL(issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
    },
  };
}

// Starts an authorization request as the demo POS would and returns where the browser lands.
export async function beginSignIn(stack: Stack, agent: Agent, params: Record<string, string> = {}, client?: oidc.Configuration) {
  const config = client ?? (await stack.client());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirect = params.redirect_uri ?? `${stack.demoUrl}/callback`;
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect,
    scope: 'openid profile email store',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  const page = await agent.follow(url.href, { stopAt: redirect });
  return { config, verifier, state, page, redirect };
}

// Submits the form on the current page with the given fields; returns the next page (or the callback redirect).
export async function submit(agent: Agent, page: { body: string; url: string }, fields: Record<string, string>, opts: { stopAt?: string; match?: string } = {}) {
  const form = formOf(page.body, opts.match);
  const action = new URL(form.action, page.url).href;
  return agent.follow(action, { form: { ...form.fields, ...fields }, stopAt: opts.stopAt });
}

export async function redeem(flow: { config: oidc.Configuration; verifier: string; state: string }, callbackUrl: string) {
  return oidc.authorizationCodeGrant(flow.config, new URL(callbackUrl), { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
}
