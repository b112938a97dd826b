// The test's authenticator app: reads the text code from the enrolment page and produces fresh, never-reused codes,
// moving the provider's clock on to the next time step when it has used the ones the server still accepts.
import { createTotp } from '../../src/services/totp/index.js';
import { textOf } from './agent.js';
import { testTime } from './test-clock.js';

const STEP_MS = 30_000;
const totp = createTotp({ clock: () => new Date(), issuer: 'test' });

/** The provider's time as the app sees it, and how the app moves it on (./test-clock.ts). */
export interface AppClock {
  now(): Date;
  later(ms: number): void;
}

export class AuthenticatorApp {
  private lastStep = 0;
  constructor(
    readonly secret: string,
    private readonly clock: AppClock = testTime,
  ) {}

  static fromEnrolmentPage(html: string, clock: AppClock = testTime): AuthenticatorApp {
    const grouped = /data-secret="([A-Z2-7 ]+)"|<code[^>]*>([A-Z2-7 ]{20,})<\/code>/.exec(html);
    const raw = grouped?.[1] ?? grouped?.[2] ?? /([A-Z2-7]{4}(?: [A-Z2-7]{1,4}){5,})/.exec(textOf(html))?.[1];
    if (!raw) throw new Error('no text code on the enrolment page');
    return new AuthenticatorApp(raw.replace(/\s+/g, ''), clock);
  }

  // A replacement app for the same user: the server accepts each time step once per user, whatever the secret.
  continueFrom(previous: AuthenticatorApp | undefined): this {
    if (previous) this.lastStep = Math.max(this.lastStep, previous.lastStep);
    return this;
  }

  // The oldest code the server still accepts that is newer than the last one used (one step of skew each way); when
  // there is none, the clock moves on until the next one is accepted (one step ahead of the server's).
  async code(): Promise<string> {
    const at = this.clock.now().getTime();
    const now = Math.floor(at / STEP_MS);
    // last step's code only while this step is young: near its end the code would leave the window in transit
    const oldest = at % STEP_MS < 20_000 ? now - 1 : now;
    const step = Math.max(oldest, this.lastStep + 1);
    if (step > now + 1) this.clock.later((step - 1) * STEP_MS + 1000 - at);
    this.lastStep = step;
    return totp.currentCode(this.secret, new Date(step * STEP_MS + 1000));
  }

  // A code from two steps ago: outside the accepted window (checklist 32).
  staleCode(): string {
    return totp.currentCode(this.secret, new Date(this.clock.now().getTime() - 75_000));
  }
}
