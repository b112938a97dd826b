// The ordered list of sign-in steps: the only place that decides their order. The second factors' own steps come
// from factors/index.ts, in that list's order.
// The breach warning comes after the second factor so a leaked password alone can never change the password.
import type { Step } from '../src/flow/step.js';
import { enrolSteps, verifySteps } from '../factors/index.js';
import { storeStep } from './store/index.js';
import { passwordStep } from './password/index.js';
import { bothFactorsStep } from './password/both-factors.js';
import { forgotPasswordStep } from './forgot-password/index.js';
import { enrolProofStep } from './enrol-proof/index.js';
import { breachStep } from './breach/index.js';
import { newPasswordStep } from './new-password/index.js';
import { phrMissingStep } from './phr-missing/index.js';
import { mfaRolloutStep } from './mfa-rollout/index.js';
import { quickSwitchStep } from './quick-switch/index.js';
import { quickSwitchUnavailableStep } from './quick-switch/unavailable.js';
import { approvalRefusedStep, approvalStep } from './approval/index.js';

// a quick switch on a trusted register (B19) comes before everything: it is offered instead of the full sign-in (and
// anywhere else, why it is not)
export const steps: Step[] = [quickSwitchStep, quickSwitchUnavailableStep, storeStep, forgotPasswordStep, bothFactorsStep, passwordStep, approvalRefusedStep, ...verifySteps, approvalStep, mfaRolloutStep, enrolProofStep, ...enrolSteps, phrMissingStep, newPasswordStep, breachStep] as Step[];
