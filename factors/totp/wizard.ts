// The enrolment wizard's stages (S6, S7, S12), shared by the sign-in step and the account page:
// Begin -> password -> scan -> code -> recovery codes -> Done; MFA is active only after a valid code (checklist 38).
// Back goes one stage back (the same secret from the code stage); at sign-in the password stage is skipped when the
// password was typed in this very sign-in (it was just proved); the account page keeps it (S6).
import { z } from 'zod';
import type { MfaService } from '../../src/services/mfa/index.js';
import type { TotpFactorService } from './service.js';
import type { BindingGrant } from '../../src/services/binding/index.js';
import { WIZARD_STAGES, type WizardProgress } from './state.js';
import type { CredentialType } from '../../src/services/mfa/credentials.js';
import { factorWords } from '../words.js';

export type { WizardProgress };

export const wizardInput = z.object({
  stage: z.enum(WIZARD_STAGES),
  password: z.string().max(1024).optional(),
  code: z.string().trim().max(20).optional(),
  saved: z.string().max(5).optional(),
  // "Back" and, at sign-in, "Cancel" (the account page's Cancel is a link)
  move: z.enum(['back', 'cancel']).optional(),
});
export type WizardInput = z.infer<typeof wizardInput>;

export interface WizardDeps {
  app: Pick<TotpFactorService, 'newPendingSecret' | 'confirmEnrolment' | 'describePending'>;
  codes: Pick<MfaService, 'sealCodes' | 'unsealCodes'>;
  reauthenticate(password: string): Promise<'ok' | 'password_wrong' | 'too_many'>;
  /** the binding rule's grant for this wizard's binding (src/services/binding), asked right before the app is bound */
  authorize(progress: WizardProgress): Promise<{ ok: true; grant: BindingGrant } | { ok: false; missing: 'password' | 'proof' }>;
  /** the password was typed moments ago in this same sign-in: no password stage */
  passwordProven?: boolean;
  userId: string;
  ip?: string;
}

export type WizardResult = { ok: true; next: WizardProgress; confirmed: boolean } | { ok: false; error: string };

export async function advanceWizard(current: WizardProgress, input: WizardInput, deps: WizardDeps): Promise<WizardResult> {
  if (input.stage !== current.stage) return { ok: false, error: 'session_expired' };
  const next = (p: WizardProgress, confirmed = false): WizardResult => ({ ok: true, next: p, confirmed });
  const scan = (): WizardResult => next({ stage: 'scan', passwordProved: true, secretSealed: deps.app.newPendingSecret() });
  if (input.move === 'back') {
    if (current.stage === 'code') return next({ stage: 'scan', passwordProved: current.passwordProved, secretSealed: current.secretSealed });
    if (current.stage === 'scan' || current.stage === 'password') return next({ stage: 'begin' });
    // the recovery codes are active once shown: there is no way back to before them
    return { ok: false, error: 'session_expired' };
  }
  switch (current.stage) {
    case 'begin':
      return deps.passwordProven ? scan() : next({ stage: 'password' });
    case 'password': {
      const result = await deps.reauthenticate(input.password ?? '');
      if (result !== 'ok') return { ok: false, error: result };
      return scan();
    }
    case 'scan':
      return next({ ...current, stage: 'code' });
    case 'code': {
      // the scan stage, which alone leads here, carries the secret the password stage made
      if (!current.secretSealed) throw new Error('enrolment wizard: the code stage has no pending secret');
      const allowed = await deps.authorize(current);
      if (!allowed.ok) return { ok: false, error: allowed.missing === 'password' ? 'session_expired' : 'binding_proof_missing' };
      const done = await deps.app.confirmEnrolment(deps.userId, current.secretSealed, input.code ?? '', { actorId: deps.userId, ip: deps.ip }, allowed.grant);
      if (!done.ok) return { ok: false, error: 'code_invalid' };
      return next({ stage: 'codes', codesSealed: deps.codes.sealCodes(done.codes) }, true);
    }
    case 'codes':
      if (!input.saved) return { ok: false, error: 'must_confirm_codes' };
      return next({ stage: 'codes', done: true });
  }
}

// What the totp-enrol page shows for the current stage: the QR code and text code, or the new recovery codes.
export async function wizardView(
  p: WizardProgress,
  deps: Pick<WizardDeps, 'app' | 'codes' | 'passwordProven'>,
  account: { storePrefix: string; username: string; downloadUrl: string; credentialTypes: readonly CredentialType[] },
) {
  // "Step n of 5", or of 4 without the password stage
  const skip = deps.passwordProven ? 1 : 0;
  const steps = { begin: 1, password: 2, scan: 3 - skip, code: 4 - skip, codes: 5 - skip, total: 5 - skip };
  const view: Record<string, unknown> = { stage: p.stage, steps };
  // the password stage names the account for password managers (a hidden username field beside the password)
  if (p.stage === 'password') view.username = account.username;
  if (p.stage === 'scan' && p.secretSealed) Object.assign(view, await deps.app.describePending(p.secretSealed, account.storePrefix, account.username));
  // the codes are for when the app just connected (and any other factor the user has) cannot be used
  if (p.stage === 'codes' && p.codesSealed)
    Object.assign(view, { codes: deps.codes.unsealCodes(p.codesSealed), downloadUrl: account.downloadUrl, factorsWords: factorWords([...account.credentialTypes, 'totp']) });
  return view;
}
