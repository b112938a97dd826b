// The sign-in steps' context (src/flow/context.ts) for unit tests: the real domain services (throttle, passwords, MFA,
// factors, binding, email, password reset, quick switch) on in-memory ports, a clock the test moves, a fake of the breach
// range API (a third-party service), and facts read by the flow's own loadFacts.
import { randomBytes } from 'node:crypto';
import type { StepContext } from '../../src/flow/context.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import type { Services } from '../../src/container.js';
import { loadFacts } from '../../src/flow/facts.js';
import type { StoreView, UserDirectory, UserView } from '../../src/services/account/users.js';
import type { AuditEvent } from '../../src/services/audit/index.js';
import type { Notification } from '../../src/services/notifications/index.js';
import type { BreachResult } from '../../src/services/breach/index.js';
import { createThrottleGuard, NO_FAILURES, type AccountThrottleState, type Marker } from '../../src/services/throttle/guard.js';
import { knownDevices } from '../../src/services/throttle/known-devices.js';
import { createRequestLimiter, RESET_REQUEST_LIMITS } from '../../src/services/throttle/requests.js';
import { createPasswordHasher } from '../../src/services/passwords/index.js';
import { createPasswordService } from '../../src/services/account/passwords.js';
import { createMfaService, type MfaUserPort, type RecoveryCodePort } from '../../src/services/mfa/index.js';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';
import { createSecretBox, parseKeyring } from '../../src/services/secrets/index.js';
import { createTotp, type Totp } from '../../src/services/totp/index.js';
import { createAccessPasses, type PassRecord } from '../../src/services/access-passes/index.js';
import { createBinding } from '../../src/services/binding/index.js';
import { createEmailService, VERIFY_REQUEST_LIMITS } from '../../src/services/account/email.js';
import { createPasswordReset } from '../../src/services/password-reset/index.js';
import { createDeviceService, type DeviceService } from '../../src/services/account/devices.js';
import { mfaRequirement, type Role } from '../../src/services/policy/index.js';
import { createResetLinks } from '../../src/mail/reset-link.js';
import { createFactorServices } from '../../factors/services.js';
import { MemoryMfa } from './memory-mfa.js';
import { MemoryQuickSwitch } from './memory-quick-switch.js';
import { createQuickSwitch, type RegisterRecord } from '../../src/services/quick-switch/index.js';
import { unitGrant } from './grant.js';
import { SoftPasskey } from './passkey-device.js';

export const ISSUER = 'https://idp.test';
const COOKIE_KEY = randomBytes(32).toString('base64url');

interface UserRecord {
  view: Omit<UserView, 'mfaEnabled' | 'credentialTypes' | 'throttle'>;
  throttle: AccountThrottleState;
  hash: string;
}

type StorePolicy = Partial<StoreView['policy']>;

/** Everything a step may reach, in memory; `now` moves only when the test moves it. */
export class MemorySignIn {
  now: Date;
  readonly audits: AuditEvent[] = [];
  readonly mails: Notification[] = [];
  /** what the breach range API says of a password (default: not breached); `breachDown` makes every check fail */
  readonly breached = new Map<string, number>();
  breachDown = false;
  readonly stores = new Map<string, StoreView>();
  readonly users = new Map<string, UserRecord>();
  private readonly mfaOf = new Map<string, MemoryMfa>();
  private readonly markers = new Map<string, Date>();
  private readonly passes: Array<{ id: string; userId: string; hash: string; reason: PassRecord['reason']; createdBy: string | null; createdAt: Date; expiresAt: Date; usedAt: Date | null }> = [];
  private readonly devices: Array<{ id: string; userId: string; hash: string; expiresAt: Date }> = [];
  private ids = 0;
  readonly registers = new MemoryQuickSwitch();
  readonly ctx: StepContext;
  readonly box = createSecretBox(parseKeyring(`k1:${randomBytes(32).toString('base64')}`));
  readonly totp: Totp;
  private readonly hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1 });
  readonly deviceService: DeviceService;
  readonly config: { issuer: string; breachFailMode: 'open' | 'closed'; rememberDeviceDays: number };

  constructor(opts: { now?: Date; breachFailMode?: 'open' | 'closed' } = {}) {
    this.now = opts.now ?? new Date('2026-12-07T10:00:00Z');
    const clock = () => new Date(this.now.getTime());
    this.totp = createTotp({ clock, issuer: 'POS Sign-in' });
    const audit = { record: async (e: AuditEvent) => void this.audits.push(e) };
    const notify = async (n: Notification) => void this.mails.push(n);
    const claimInOrder = async (markers: Marker[]) => {
      let n = 0;
      for (const m of markers) {
        if (!this.claim(m)) break;
        n++;
      }
      return n;
    };
    const claim = async (m: Marker) => this.claim(m);
    const users = this.directory();
    const throttle = createThrottleGuard({
      store: {
        save: async (userId, change) => void Object.assign(this.record(userId).throttle, change),
        unlock: async (userId, generation) => {
          const r = this.record(userId);
          if (r.throttle.generation !== generation) return false;
          r.throttle = { ...NO_FAILURES, generation: generation + 1 };
          return true;
        },
      },
      claimInOrder,
      clock,
      audit,
      notify,
    });
    const breach = { check: async (pw: string): Promise<BreachResult> => (this.breachDown ? { status: 'unavailable', error: 'timeout' } : this.breached.has(pw) ? { status: 'breached', count: this.breached.get(pw) ?? 1 } : { status: 'ok' }) };
    const passwords = createPasswordService({
      hasher: this.hasher,
      breach,
      users,
      store: {
        hashOf: async (id) => this.users.get(id)?.hash,
        loginHashOf: async (storeId, username) => {
          const r = [...this.users.values()].find((u) => u.view.storeId === storeId && u.view.username === username);
          return r && { userId: r.view.id, hash: r.hash };
        },
        setHash: async (id, hash) => {
          this.record(id).hash = hash;
        },
        upgradeHash: async (id, from, to) => {
          if (this.record(id).hash === from) this.record(id).hash = to;
        },
      },
      revokeDevices: async (userId) => void this.revokeDevices(userId),
      audit,
      notify,
      clock,
      serviceName: 'POS Sign-in',
    });
    const mfa = createMfaService({
      box: this.box,
      recovery: createRecoveryCodes({ pepper: randomBytes(32) }),
      users: this.mfaUsers(),
      codes: this.recoveryCodes(),
      revokeDevices: async (userId) => void this.revokeDevices(userId),
      audit,
      notify,
      clock,
    });
    const once = async (key: string) => this.claim({ key, expiresAt: new Date(this.now.getTime() + 2 * 86_400_000) });
    const factors = createFactorServices({ issuer: ISSUER, productName: 'POS Sign-in', cookieKey: COOKIE_KEY, totp: this.totp, box: this.box, mfa, audit, clock, once, claimInOrder });
    const accessPasses = createAccessPasses({
      store: {
        insert: async (p) => {
          const id = `pass${++this.ids}`;
          this.passes.push({ ...p, id, usedAt: null });
          return id;
        },
        active: async (userId, now) => this.passes.filter((p) => p.userId === userId && !p.usedAt && p.expiresAt > now),
        findActive: async (userId, hash, now) => this.passes.find((p) => p.userId === userId && p.hash === hash && !p.usedAt && p.expiresAt > now),
        use: async (_userId, id, now) => {
          const p = this.passes.find((x) => x.id === id && !x.usedAt);
          if (!p) return false;
          p.usedAt = now;
          return true;
        },
        revoke: async () => false,
      },
      pepper: randomBytes(32),
      ttlHours: 24,
      clock,
      audit,
      notify,
    });
    this.deviceService = createDeviceService({
      store: {
        insert: async (userId, hash, expiresAt) => void this.devices.push({ id: `d${++this.ids}`, userId, hash, expiresAt }),
        touchValid: async (userId, hash, now) => this.devices.some((d) => d.userId === userId && d.hash === hash && d.expiresAt > now),
        list: async () => [],
        revoke: async () => false,
        revokeAll: async (userId) => this.revokeDevices(userId),
      },
      clock,
    });
    const resetLinks = createResetLinks({ cookieKeys: [COOKIE_KEY], clock });
    this.config = { issuer: ISSUER, breachFailMode: opts.breachFailMode ?? 'open', rememberDeviceDays: 30 };
    this.ctx = {
      config: this.config,
      clock,
      users,
      audit,
      notify,
      breach,
      passwords,
      email: createEmailService({
        users,
        store: { setEmail: async (userId, email, now) => void Object.assign(this.record(userId).view, { email, emailVerified: false, emailChangedAt: now }) },
        audit,
        notify,
        clock,
        limiter: createRequestLimiter({ claim, clock, limits: VERIFY_REQUEST_LIMITS, purpose: 'verify-email' }),
      }),
      passwordReset: createPasswordReset({
        users,
        passwords,
        links: resetLinks,
        limiter: createRequestLimiter({ claim, clock, limits: RESET_REQUEST_LIMITS, purpose: 'reset-request' }),
        claim,
        endSessions: async () => undefined,
        audit,
        notify,
        clock,
        issuer: ISSUER,
        afterAnswer: (task) => void task(),
      }),
      throttle,
      knownDevices: knownDevices(COOKIE_KEY),
      binding: createBinding({ passes: accessPasses, throttle, clock }),
      mfa,
      factors,
      quickSwitch: createQuickSwitch({ port: this.registers, hasher: this.hasher, audit, notify, clock, users }),
      claimOnce: async (key, ttlMs) => this.claim({ key, expiresAt: new Date(this.now.getTime() + ttlMs) }),
      reauthenticate: async () => {
        throw new Error('reauthenticate is not wired in unit tests');
      },
    };
  }

  advance(ms: number) {
    this.now = new Date(this.now.getTime() + ms);
  }

  private claim(m: Marker): boolean {
    const held = this.markers.get(m.key);
    if (held && held > this.now) return false;
    this.markers.set(m.key, m.expiresAt);
    return true;
  }

  private revokeDevices(userId: string): number {
    const before = this.devices.length;
    this.devices.splice(0, this.devices.length, ...this.devices.filter((d) => d.userId !== userId));
    return before - this.devices.length;
  }

  private record(id: string): UserRecord {
    const r = this.users.get(id);
    if (!r) throw new Error(`no user ${id}`);
    return r;
  }

  /** The user's MFA state (credentials, codes, the notices it wrote). */
  mfa(userId: string): MemoryMfa {
    let m = this.mfaOf.get(userId);
    if (!m) {
      m = new MemoryMfa();
      m.state.storeId = this.record(userId).view.storeId;
      this.mfaOf.set(userId, m);
    }
    return m;
  }

  private view(r: UserRecord): UserView {
    const m = this.mfa(r.view.id).state;
    return {
      ...r.view,
      mfaEnabled: m.enabled,
      mustEnrol: r.view.mustEnrol || m.mustEnrol,
      credentialTypes: [...new Set(m.credentials.map((c) => c.type))],
      throttle: structuredClone(r.throttle),
    };
  }

  private directory(): UserDirectory {
    const byId = async (id: string) => {
      const r = this.users.get(id);
      return r && this.view(r);
    };
    return {
      byId,
      recentById: byId,
      byUsername: async (storeId, username) => {
        const r = [...this.users.values()].find((u) => u.view.storeId === storeId && u.view.username === username);
        return r && this.view(r);
      },
      storeById: async (id) => this.stores.get(id),
      storeByPrefix: async (prefix) => [...this.stores.values()].find((s) => s.prefix === prefix),
    };
  }

  // the MFA ports of the user each call names
  private mfaUsers(): MfaUserPort {
    const of = (u: string) => this.mfa(u).users;
    return {
      mfaOf: (u) => of(u).mfaOf(u),
      addCredential: (u, change, notice) => of(u).addCredential(u, change, notice),
      dropCredential: (u, key, notice) => of(u).dropCredential(u, key, notice),
      updateCredential: (u, key, patch, onlyIf) => of(u).updateCredential(u, key, patch, onlyIf),
      useCodesBatch: (u, batch, notice) => of(u).useCodesBatch(u, batch, notice),
      noticeDone: (u, id) => of(u).noticeDone(u, id),
      deactivate: (u, opts) => of(u).deactivate(u, opts),
      setMustEnrol: (u, must) => of(u).setMustEnrol(u, must),
    };
  }

  private recoveryCodes(): RecoveryCodePort {
    const of = (u: string) => this.mfa(u).recovery;
    return {
      insertBatch: (u, hashes) => of(u).insertBatch(u, hashes),
      dropOtherBatches: (u, keep) => of(u).dropOtherBatches(u, keep),
      consume: (u, hash, batch) => of(u).consume(u, hash, batch),
      remaining: (u, batch) => of(u).remaining(u, batch),
      clear: (u) => of(u).clear(u),
    };
  }

  addStore(prefix = 'corner', policy: StorePolicy = {}, more: Partial<Omit<StoreView, 'policy'>> = {}): StoreView {
    const store: StoreView = {
      id: `store-${prefix}`,
      prefix,
      name: 'Corner Coffee Co.',
      country: 'NL',
      locale: 'en',
      localeChosen: false,
      integrations: [],
      policy: {
        requireForManagers: false,
        requireForEveryone: false,
        rememberDeviceAllowed: true,
        rememberDeviceDays: 30,
        passwordEnrolmentUntil: null,
        sessionIdleMinutes: 60,
        sessionAbsoluteHours: 12,
        managerMfaBy: null,
        cashierMfaBy: null,
        ...policy,
      },
      ...more,
    };
    this.stores.set(store.id, store);
    this.registers.days.set(store.id, { country: store.country, timeZone: null, startHour: 0 });
    return store;
  }

  async addUser(store: StoreView, username: string, opts: { role?: Role; password?: string; name?: string; email?: string | null; emailVerified?: boolean; mustChangePassword?: boolean; mustEnrol?: boolean; active?: boolean; emailChangedAt?: Date; mfaReset?: UserView['mfaReset'] } = {}): Promise<UserView> {
    const id = `user-${username}`;
    if (this.users.has(id)) throw new Error(`test set-up: a user ${username} exists already (usernames are unique across stores here)`);
    this.users.set(id, {
      view: {
        id,
        storeId: store.id,
        username,
        name: opts.name ?? username,
        email: opts.email === undefined ? `${username}@example.com` : opts.email,
        emailVerified: opts.emailVerified ?? false,
        emailChangedAt: opts.emailChangedAt ?? null,
        mfaReset: opts.mfaReset ?? null,
        role: opts.role ?? 'cashier',
        active: opts.active ?? true,
        locale: null,
        localeChosen: false,
        mustEnrol: opts.mustEnrol ?? false,
        mustChangePassword: opts.mustChangePassword ?? false,
      },
      throttle: structuredClone(NO_FAILURES),
      hash: await this.hasher.hash(opts.password ?? 'correct horse battery'),
    });
    return this.record(id).view as UserView;
  }

  /** An authenticator app set up the way the wizard does it; returns a function giving the code at `now`. */
  async enrolTotp(userId: string): Promise<{ code: (at?: Date) => string; recovery: string[] }> {
    const pending = this.ctx.factors.totp.newPendingSecret();
    const secret = this.box.decrypt(pending, 'pending');
    // an enrolment's code is used up by it: set up with the previous step's code, so the current one is fresh
    const done = await this.ctx.factors.totp.confirmEnrolment(userId, pending, this.totp.currentCode(secret, new Date(this.now.getTime() - 30_000)), { actorId: userId }, unitGrant(userId));
    if (!done.ok) throw new Error('test set-up: the app was not enrolled');
    return { code: (at) => this.totp.currentCode(secret, at ?? this.now), recovery: done.codes };
  }

  /** A software passkey registered the way Security & ID registers one. */
  async enrolPasskey(userId: string): Promise<SoftPasskey> {
    const url = new URL(ISSUER);
    const device = new SoftPasskey(url.origin, url.hostname);
    const user = this.record(userId).view;
    const options = await this.ctx.factors.passkey.registrationOptions({ id: userId, username: user.username, name: user.name, storePrefix: 'corner' }, 'set-up');
    const done = await this.ctx.factors.passkey.register(userId, JSON.stringify(device.register(options)), 'set-up', 'Till 2', { actorId: userId }, async () => true, unitGrant(userId));
    if (!done.ok) throw new Error(`test set-up: the passkey was refused (${done.reason})`);
    return device;
  }

  /** A remembered-device cookie of the user, as a "remember me" effect issues it. */
  rememberDevice(userId: string): Promise<string> {
    return this.deviceService.remember(userId, 30, {});
  }

  /** A temporary access pass for the user, as an admin hands it out. */
  async issuePass(userId: string): Promise<string> {
    const user = this.record(userId).view;
    return (await this.ctx.binding.issuePass({ id: userId, storeId: user.storeId }, { actorId: null }, 'reset')).pass;
  }

  /** A browser an admin of the store made a trusted register (B19): the register and its cookie. */
  async trustRegister(adminId: string, name = 'Till 2'): Promise<{ register: RegisterRecord; cookie: string }> {
    const admin = this.record(adminId).view;
    const { register, secret } = await this.ctx.quickSwitch.trust({ id: adminId, storeId: admin.storeId }, name);
    return { register, cookie: secret };
  }

  /** The user's full sign-in on the register today, and a PIN of theirs (B19). */
  async openQuickSwitch(register: RegisterRecord, userId: string, pin?: string): Promise<void> {
    const user = this.view(this.record(userId));
    await this.ctx.quickSwitch.fullSignIn(register, user, {});
    if (pin) await this.ctx.quickSwitch.setPin({ id: userId, storeId: user.storeId }, pin, pin);
  }

  /** The facts of a request, read as the runner reads them (src/flow/facts.ts). */
  facts(state: FlowState, cookies: { remembered?: string; known?: string; register?: string } = {}, client: { requireMfa?: boolean } = {}): Promise<FlowFacts> {
    const clock = this.ctx.clock;
    const services = {
      users: this.ctx.users,
      clock,
      config: this.config,
      devices: this.deviceService,
      knownDevices: this.ctx.knownDevices,
      quickSwitch: this.ctx.quickSwitch,
      policy: { required: (user: UserView, store: StoreView, c: { requireMfa: boolean }) => mfaRequirement({ role: user.role, store, client: c, now: clock() }).required },
    };
    return loadFacts(services as unknown as Services, state, cookies, { requireMfa: Boolean(client.requireMfa) });
  }

  auditTypes(): string[] {
    return this.audits.map((a) => a.type);
  }

  mailTypes(): string[] {
    return this.mails.map((m) => m.type);
  }
}

/** A flow state as a new interaction of the POS web client starts it (src/flow/initial-state.ts), with `over` on top. */
export function flowState(over: Partial<FlowState> = {}): FlowState {
  return { uid: 'uid-1', locale: 'en', clientId: 'pos-web', native: false, mfaDemanded: false, stepUp: false, freshDemanded: false, ...over };
}

export const REQ = { ip: '203.0.113.7', userAgent: 'unit-test' };
