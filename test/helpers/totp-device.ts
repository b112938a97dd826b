// The test's authenticator app: reads the text code from the enrolment page and produces fresh, never-reused codes.
import { createTotp } from '../../src/services/totp/index.js';
import { textOf } from './agent.js';

const totp = createTotp({ clock: () => new Date(), issuer: 'test' });

export class AuthenticatorApp {
  private lastStep = 0;
  constructor(readonly secret: string) {}

  static fromEnrolmentPage(html: string): AuthenticatorApp {
    const grouped = /data-secret="([A-Z2-7 ]+)"|<code[^>]*>([A-Z2-7 ]{20,})<\/code>/.exec(html);
    const raw = grouped?.[1] ?? grouped?.[2] ?? /([A-Z2-7]{4}(?: [A-Z2-7]{1,4}){5,})/.exec(textOf(html))?.[1];
    if (!raw) throw new Error('no text code on the enrolment page');
    return new AuthenticatorApp(raw.replace(/\s+/g, ''));
  }

  // A replacement app for the same user: the server accepts each time step once per user, whatever the secret.
  continueFrom(previous: AuthenticatorApp | undefined): this {
    if (previous) this.lastStep = Math.max(this.lastStep, previous.lastStep);
    return this;
  }

  // The oldest code the server still accepts that is newer than the last one used (one step of skew each way).
  async code(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 30_000);
      // last step's code only while this step is young: near its end the code would leave the window in transit
      const oldest = Date.now() % 30_000 < 20_000 ? now - 1 : now;
      const step = Math.max(oldest, this.lastStep + 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return totp.currentCode(this.secret, new Date(step * 30_000 + 1000));
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  // A code from two steps ago: outside the accepted window (checklist 32).
  staleCode(): string {
    return totp.currentCode(this.secret, new Date(Date.now() - 75_000));
  }
}
