// Composition root: builds the framework-free services from their Mongo-backed ports.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Models } from './models/index.js';
import type { DeploymentSecrets } from './provider/deployment-secrets.js';
import { createPasswordHasher } from './services/passwords/index.js';
import { createBreachChecker } from './services/breach/index.js';
import { createTotp } from './services/totp/index.js';
import { createSecretBox, parseKeyring } from './services/secrets/index.js';
import { createRecoveryCodes } from './services/recovery-codes/index.js';
import { mfaRequirement } from './services/policy/index.js';
import { createPasswordService } from './services/account/passwords.js';
import { createDeviceService } from './services/account/devices.js';
import { createMfaService } from './services/mfa/index.js';
import { createFactorServices } from '../factors/services.js';
import { createThrottleGuard } from './services/throttle/guard.js';
import { knownDevices } from './services/throttle/known-devices.js';
import { createAccessPasses } from './services/access-passes/index.js';
import { createBinding } from './services/binding/index.js';
import { mongoAccessPasses } from './models/stores/access-passes.js';
import type { Notifier } from './services/notifications/index.js';
import { createSecondFactorAlarm } from './services/notifications/second-factor-alarm.js';
import { revokeEverythingOf } from './provider/mongo-adapter.js';
import { createMailNotifier } from './mail/index.js';
import type { StoreView, UserView } from './services/account/users.js';
import { mongoEmailPort, mongoLanguagePort, mongoMfaUserPort, mongoPasswordPort, mongoThrottle, mongoUserDirectory } from './models/stores/user-directory.js';
import { storeRecords, userRecords } from './models/stores/user-records.js';
import { createEmailService, VERIFY_REQUEST_LIMITS } from './services/account/email.js';
import { createLanguageService } from './services/account/language.js';
import { mongoRecoveryCodes } from './models/stores/recovery-codes.js';
import { mongoDevices } from './models/stores/devices.js';
import { mongoAudit } from './models/stores/misc.js';
import { mongoPageState } from './models/stores/page-state.js';
import { createPayloadStore } from './models/stores/payloads.js';
import { requestScope } from './models/stores/request-scope.js';
import { createFlowStore } from './flow/store.js';
import { consumeOnceWith } from './models/stores/consume-once.js';
import { createRolloutService } from './services/rollout/index.js';
import { mongoRollout } from './models/stores/rollout.js';
import { noObserver, type Observer, type SignInObserver } from './services/observe/index.js';
import { createPasswordReset } from './services/password-reset/index.js';
import { SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from './services/admin/policy.js';
import { createRequestLimiter, RESET_REQUEST_LIMITS } from './services/throttle/requests.js';
import { createUserCodeGuard } from './services/throttle/user-codes.js';
import { createResetLinks } from './mail/reset-link.js';
import { createSessionService } from './services/sessions/index.js';
import { mongoProviderSessions } from './models/stores/provider-sessions.js';
import { mongoHeldNotices, mongoOutbox } from './models/stores/outbox.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './provider/session-activity.js';
import { createQuickSwitch } from './services/quick-switch/index.js';
import { mongoQuickSwitch } from './models/stores/quick-switch.js';

export interface ContainerDeps {
  config: Config;
  models: Models;
  secrets: DeploymentSecrets;
  logger: Logger;
  clock?: () => Date;
  /** Waits until `clock` reads a time (the throttle's busy retry); a test's clock moves instead. Real time by default. */
  sleepUntil?: (at: Date) => Promise<void>;
  notify?: Notifier;
  /** Monitoring (src/metrics/registry.ts); nothing is observed without it. */
  observe?: Observer;
}

export function createServices(deps: ContainerDeps) {
  const { config, models, secrets, logger } = deps;
  const [cookieKey] = secrets.cookieKeys;
  if (!cookieKey) throw new Error('no cookie signing key');
  const clock = deps.clock ?? (() => new Date());
  const observe = deps.observe ?? noObserver;
  const signIns: SignInObserver = observe;
  const audit = mongoAudit(models);
  // oidc_payloads through one unit of work per request (src/http/unit-of-work.ts), and the consume-once markers
  const payloads = createPayloadStore(models, clock);
  const once = consumeOnceWith(models);
  const claimOnce = (key: string, ttlMs: number) => once.claim({ key, expiresAt: new Date(clock().getTime() + ttlMs) });
  // The hook every change calls: by default the email outbox (src/mail), one insert in the same request (B6).
  const notify: Notifier = deps.notify ?? createMailNotifier({ config, models, secrets, logger, clock });
  // a user is read once per request; stores come from a short in-process cache (src/models/stores/user-records.ts)
  const userDocs = userRecords(models);
  const storeDocs = storeRecords(models);
  const users = mongoUserDirectory(userDocs, storeDocs);
  const languages = createLanguageService({ store: mongoLanguagePort(models), audit });
  const devices = createDeviceService({ store: mongoDevices(models), clock });
  const revokeDevices = async (userId: string) => {
    await devices.revokeAll(userId);
  };
  const breach = createBreachChecker({
    baseUrl: config.breach.baseUrl,
    userAgent: `${config.productName.replace(/[^\w .-]/g, '')} breach-check (mfa-idp)`,
    timeoutMs: config.breach.timeoutMs,
    cacheSize: 10_000,
    cacheTtlMs: 60 * 60 * 1000,
    observe,
  });
  const totp = createTotp({ clock, issuer: config.productName });
  const throttle = createThrottleGuard({ store: mongoThrottle(models), claimInOrder: once.claimInOrder, clock, sleepUntil: deps.sleepUntil, audit, notify, observe });
  const passwords = createPasswordService({
    hasher: createPasswordHasher(),
    breach,
    users,
    store: mongoPasswordPort(models, userDocs),
    revokeDevices,
    audit,
    notify,
    clock,
    serviceName: config.productName,
  });
  const box = createSecretBox(parseKeyring(secrets.totpKeyring));
  const mfa = createMfaService({
    box,
    recovery: createRecoveryCodes({ pepper: secrets.recoveryPepper }),
    users: mongoMfaUserPort(models, userDocs),
    codes: mongoRecoveryCodes(models, clock),
    revokeDevices,
    audit,
    notify,
    clock,
  });
  const resetLinks = createResetLinks({ cookieKeys: secrets.cookieKeys, clock });
  const endSessions = (userId: string, keepSessionId?: string) => revokeEverythingOf(models, payloads, userId, keepSessionId);
  // the store's provider-session timeouts (B15): from the short-lived user and store caches, read with each session;
  // never beyond 1 h idle and 24 h in all, whatever a stored policy says (checklist 57)
  const sessionLimits = async (accountId: string): Promise<SessionLimits> => {
    const user = await users.recentById(accountId);
    const store = user && (await users.storeById(user.storeId));
    if (!store) return DEFAULT_SESSION_LIMITS;
    return {
      idleMinutes: Math.min(store.policy.sessionIdleMinutes, SESSION_IDLE_MINUTES.max),
      absoluteHours: Math.min(store.policy.sessionAbsoluteHours, SESSION_ABSOLUTE_HOURS.max),
    };
  };
  const onceKey = (key: string) => once.claim({ key, expiresAt: new Date(clock().getTime() + 2 * 86_400_000) });
  const accessPasses = createAccessPasses({ store: mongoAccessPasses(models, once), pepper: secrets.recoveryPepper, ttlHours: config.accessPassHours, clock, audit, notify });

  return {
    config: { ...config, breachFailMode: config.breach.failMode },
    logger,
    clock,
    // sign-in outcomes and step timings, reported by the flow runner (src/flow)
    observe: signIns,
    audit,
    notify,
    users,
    devices,
    breach,
    totp,
    // sign-in flow state, kept with each interaction (src/flow/store.ts)
    flows: createFlowStore(payloads),
    // Security & ID's state between requests, typed by src/account/state.ts
    pageState: mongoPageState(models, clock),
    claimOnce,
    // checklist 69: a wrong second factor after a right password, told unless a right one follows (issue 23)
    secondFactorAlarm: createSecondFactorAlarm({ notify, held: mongoHeldNotices(models), clock }),
    email: createEmailService({
      users,
      store: mongoEmailPort(models),
      audit,
      notify,
      clock,
      limiter: createRequestLimiter({ claim: once.claim, clock, limits: VERIFY_REQUEST_LIMITS, purpose: 'verify-email' }),
    }),
    languages,
    throttle,
    knownDevices: knownDevices(cookieKey),
    // temporary access passes as admins list and revoke them; made and used up only through the binding rule
    accessPasses: { active: accessPasses.active, revoke: accessPasses.revoke },
    // B17: the one rule for binding a factor, and the proofs it takes (src/services/binding)
    binding: createBinding({ passes: accessPasses, throttle, clock }),
    stores: storeDocs,
    payloads,
    once,
    endOtherSessions: (userId: string, keepSessionId: string) => endSessions(userId, keepSessionId),
    // forgot password (B14): the emailed link, and what the link's pages do (src/password-reset)
    resetLinks,
    passwordReset: createPasswordReset({
      users,
      passwords,
      links: resetLinks,
      limiter: createRequestLimiter({ claim: once.claim, clock, limits: RESET_REQUEST_LIMITS, purpose: 'reset-request' }),
      claim: once.claim,
      endSessions: (userId: string) => endSessions(userId),
      audit,
      notify,
      clock,
      issuer: config.issuer,
      afterAnswer: (task) => requestScope.afterAnswer(task, (err) => logger.error({ err }, 'password reset email failed')),
    }),
    sessionLimits,
    // B25: wrong device user codes per address, cluster-wide (src/provider/device-flow.ts)
    userCodes: createUserCodeGuard({ claim: once.claim, clock }),
    // the account's provider sessions: listed and ended by the user and by admins (B15)
    sessions: createSessionService({ port: mongoProviderSessions(models, payloads, clock), limits: sessionLimits, clock }),
    // back-channel logout deliveries (B16), sent by src/logout/worker.ts
    logoutOutbox: mongoOutbox(models, 'logout'),
    // re-authentication for a change (account pages, admin console): the password again, throttled (checklist 58)
    async reauthenticate(userId: string, password: string, ip: string): Promise<'ok' | 'password_wrong' | 'too_many'> {
      const me = await users.byId(userId);
      if (!me) return 'password_wrong';
      const outcome = await throttle.attempt(
        { storeId: me.storeId, username: me.username, user: me },
        { ip, factor: 'password' },
        throttle.simply(() => passwords.verifyUser(me.id, password)),
        { clearOnSuccess: false },
      );
      if (outcome.kind === 'failed') await audit.record({ type: 'reauth.password_failed', userId: me.id, storeId: me.storeId, actorId: me.id, ip });
      return outcome.kind === 'ok' ? 'ok' : outcome.kind === 'wait' ? 'too_many' : 'password_wrong';
    },
    passwords,
    mfa,
    // B19: trusted registers, the day's full sign-ins there, personal PINs (argon2id, the passwords' parameters)
    quickSwitch: createQuickSwitch({ port: mongoQuickSwitch(models), hasher: createPasswordHasher(), audit, notify, clock, users }),
    // each second factor's own domain service (factors/<id>/service.ts)
    factors: createFactorServices({ issuer: config.issuer, productName: config.productName, cookieKey, totp, box, mfa, audit, clock, once: onceKey, claimInOrder: once.claimInOrder }),
    // B21: MFA roll-out coverage, reminders and the owner's weekly summary (run by src/rollout/job.ts)
    rollout: createRolloutService({ port: mongoRollout(models, once), notify, audit, clock }),
    policy: {
      required: (user: UserView, store: StoreView, client: { requireMfa: boolean }) =>
        mfaRequirement({ role: user.role, store, client, now: clock() }).required,
      reasons: (user: UserView, store: StoreView, client: { requireMfa: boolean }) =>
        mfaRequirement({ role: user.role, store, client, now: clock() }).reasons,
    },
  };
}

export type Services = ReturnType<typeof createServices>;
