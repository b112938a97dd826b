// The services Security & ID and the factors' account pages use (a leaf: types only, built by src/container.ts).
import type { AuditRecorder } from '../services/audit/index.js';
import type { Binding } from '../services/binding/index.js';
import type { BreachChecker } from '../services/breach/index.js';
import type { DeviceService } from '../services/account/devices.js';
import type { EmailService } from '../services/account/email.js';
import type { LanguageService } from '../services/account/language.js';
import type { MfaService } from '../services/mfa/index.js';
import type { Notifier } from '../services/notifications/index.js';
import type { PasswordService } from '../services/account/passwords.js';
import type { QuickSwitch } from '../services/quick-switch/index.js';
import type { SessionService } from '../services/sessions/index.js';
import type { StoreView, UserDirectory, UserView } from '../services/account/users.js';
import type { FactorServices } from '../../factors/services.js';
import type { PageStatePort } from './state.js';

export interface AccountContext {
  config: { issuer: string };
  clock: () => Date;
  users: UserDirectory;
  audit: AuditRecorder;
  notify: Notifier;
  breach: BreachChecker;
  binding: Binding;
  mfa: MfaService;
  factors: FactorServices;
  devices: DeviceService;
  sessions: SessionService;
  passwords: PasswordService;
  email: EmailService;
  languages: LanguageService;
  quickSwitch: QuickSwitch;
  pageState: PageStatePort;
  /** true once per key (a consume-once marker) */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  policy: { required(user: UserView, store: StoreView, client: { requireMfa: boolean }): boolean };
  reauthenticate(userId: string, password: string, ip: string): Promise<'ok' | 'password_wrong' | 'too_many'>;
  endOtherSessions(userId: string, keepSessionId: string): Promise<unknown>;
}
