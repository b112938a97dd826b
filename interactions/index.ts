// The ordered list of sign-in steps: the only place that decides their order.
// The breach warning comes after the second factor so a leaked password alone can never change the password.
import type { Step } from '../src/flow/step.js';
import { storeStep } from './store/index.js';
import { passwordStep } from './password/index.js';
import { totpVerifyStep } from './totp-verify/index.js';
import { recoveryStep } from './recovery/index.js';
import { totpEnrolStep } from './totp-enrol/index.js';
import { enrolProofStep } from './enrol-proof/index.js';
import { breachStep } from './breach/index.js';
import { newPasswordStep } from './new-password/index.js';

export const steps: Step[] = [storeStep, passwordStep, totpVerifyStep, recoveryStep, enrolProofStep, totpEnrolStep, newPasswordStep, breachStep] as Step[];
