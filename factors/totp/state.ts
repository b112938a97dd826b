// The authenticator-app factor's slice of state: its set-up wizard's progress, in a sign-in flow or on Security & ID.
import { z } from 'zod';

export const WIZARD_STAGES = ['begin', 'password', 'scan', 'code', 'codes'] as const;
export type WizardStage = (typeof WIZARD_STAGES)[number];

export const wizardProgressSchema = z.object({
  stage: z.enum(WIZARD_STAGES),
  // the password was entered in this wizard, or typed moments ago in this same sign-in (the binding rule asks)
  passwordProved: z.boolean().optional(),
  secretSealed: z.string().optional(),
  codesSealed: z.string().optional(),
  done: z.boolean().optional(),
});
export type WizardProgress = z.infer<typeof wizardProgressSchema>;

/** On Security & ID: the wizard, and whether it sets up a first app or replaces the one the user has (S6, S12). */
export const totpAccountSlice = wizardProgressSchema.extend({ mode: z.enum(['setup', 'reset']) });
export type TotpAccountSlice = z.infer<typeof totpAccountSlice>;
