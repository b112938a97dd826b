// The services the sign-in steps (interactions/, factors/) use: a leaf of types only, built by src/container.ts, so
// the steps depend on what they use rather than on the whole composition.
import type { AuditRecorder } from '../services/audit/index.js';
import type { Binding } from '../services/binding/index.js';
import type { BreachChecker } from '../services/breach/index.js';
import type { KnownDevices } from '../services/throttle/known-devices.js';
import type { MfaService } from '../services/mfa/index.js';
import type { Notifier } from '../services/notifications/index.js';
import type { PasswordReset } from '../services/password-reset/index.js';
import type { PasswordService } from '../services/account/passwords.js';
import type { EmailService } from '../services/account/email.js';
import type { QuickSwitch } from '../services/quick-switch/index.js';
import type { ThrottleGuard } from '../services/throttle/guard.js';
import type { UserDirectory } from '../services/account/users.js';
import type { FactorServices } from '../../factors/services.js';

export interface StepContext {
  config: { issuer: string; breachFailMode: 'open' | 'closed' };
  clock: () => Date;
  users: UserDirectory;
  audit: AuditRecorder;
  notify: Notifier;
  breach: BreachChecker;
  passwords: PasswordService;
  email: EmailService;
  passwordReset: PasswordReset;
  throttle: ThrottleGuard;
  knownDevices: KnownDevices;
  binding: Binding;
  mfa: MfaService;
  factors: FactorServices;
  quickSwitch: QuickSwitch;
  /** true once per key (a consume-once marker kept this long) */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  reauthenticate(userId: string, password: string, ip: string): Promise<'ok' | 'password_wrong' | 'too_many'>;
}
