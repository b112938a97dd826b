// What the sign-in flow and the domain services report for monitoring: small ports with no metrics library behind
// them here (src/metrics/registry.ts implements them with prom-client; without metrics they do nothing).

/** How a sign-in attempt ended: a completed sign-in, a refused password or second factor, or a throttle refusal. */
export type SignInOutcome = 'completed' | 'failed_password' | 'failed_second_factor' | 'failed_access_pass' | 'throttled';

export interface SignInEvent {
  outcome: SignInOutcome;
  /** password, totp, recovery, passkey, access_pass; for a completion the second factor used, else password */
  factor: string;
  /** completed sign-ins only: the level and the amr values joined with "+" */
  acr?: string;
  amr?: string;
}

export interface SignInObserver {
  signIn(event: SignInEvent): void;
  /** Time a sign-in step took: rendering its page, or answering a submission of its form. */
  step(event: { step: string; phase: 'render' | 'submit'; seconds: number }): void;
}

export interface ThrottleObserver {
  /** An attempt refused before it was checked: back-off, sign-in closed, or another attempt in this second. */
  refused(event: { reason: 'wait' | 'closed' | 'busy'; factor: string }): void;
  /** Sign-in from unknown devices closed for an account (the 100th failure). */
  locked(event: { factor: string }): void;
}

export interface BreachObserver {
  checked(event: { outcome: 'ok' | 'breached' | 'unavailable'; source: 'cache' | 'api'; seconds: number }): void;
}

export interface Observer extends SignInObserver, ThrottleObserver, BreachObserver {}

const nothing = () => undefined;

export const noObserver: Observer = { signIn: nothing, step: nothing, refused: nothing, locked: nothing, checked: nothing };

/** Seconds since `start` (a performance.now() value). */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;
