// What a submission did to the sign-in, for monitoring: a refused password or second factor, or a throttle refusal
// (the completed sign-in is reported where it finishes, src/flow/finish.ts). Read from the step's own decision.
import { factors } from '../../factors/index.js';
import type { SignInEvent } from '../services/observe/index.js';
import type { Step, StepResult } from './step.js';

// the refusals of throttled() (src/flow/step.ts)
const THROTTLED = new Set(['slow_down', 'locked', 'signin_closed']);
// the audit events the steps write for a refused proof: signin.<what>_failed
const FAILED = /^signin\.(\w+)_failed$/;

/** The factor a step checks: password, access_pass, or the id of the factor whose verify step it is. */
function factorOf(step: Step): string {
  if (step.id === 'password') return 'password';
  if (step.id === 'enrol-proof') return 'access_pass';
  return factors.find((f) => f.verify.id === step.id)?.id ?? step.id;
}

export function submissionOutcome(step: Step, result: StepResult): SignInEvent | undefined {
  // a password held back by the throttle, now taken only with a second factor (checklist 24): a throttle refusal
  if (result.kind === 'advance' && result.patch.bothFactors) return { outcome: 'throttled', factor: 'password' };
  if (result.kind !== 'rerender') return undefined;
  if (THROTTLED.has(result.error)) return { outcome: 'throttled', factor: factorOf(step) };
  for (const effect of result.effects ?? []) {
    const what = effect.kind === 'audit' ? FAILED.exec(effect.type)?.[1] : undefined;
    if (!what) continue;
    if (what === 'password') return { outcome: 'failed_password', factor: 'password' };
    if (what === 'access_pass') return { outcome: 'failed_access_pass', factor: 'access_pass' };
    // the password-and-code page says in its audit event which factor it checked (interactions/password/both-factors.ts)
    return { outcome: 'failed_second_factor', factor: step.id === 'both-factors' ? what : factorOf(step) };
  }
  return undefined;
}
