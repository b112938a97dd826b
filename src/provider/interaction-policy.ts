// Authorization prompt checks: the library's, an MFA step-up check that understands acr ordering, unmeetable acr, no consent page.
import { errors, interactionPolicy } from 'oidc-provider';
import { ACR, demandedLevel, satisfies, unmeetableAcr } from './acr.js';
import { approvalCashierCheck } from './approval-requests.js';
import { isDeviceApproval } from './device-details.js';

const { Check, base } = interactionPolicy;

/** The prompt reasons of a session that only lacks a stronger factor (a step-up, src/flow/initial-state.ts). */
export const STEP_UP = { mfa: 'mfa_demanded', phr: 'phr_demanded' } as const;

export function buildInteractionPolicy() {
  const policy = base();
  const login = policy.get('login');
  const consent = policy.get('consent');
  if (!login || !consent) throw new Error("oidc-provider's base interaction policy has no login or consent prompt");
  // The library's essential_acr(s) checks compare acr values for equality; ours knows MFA satisfies the password level.
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  // Every client is first-party and loadExistingGrant grants what it asks for, so there is no consent screen; the
  // library would otherwise prompt native apps on every request, which no step answers (S8: POS apps sign in too).
  consent.checks.remove('native_client_prompt');
  // For the same reason prompt=consent is met by that recorded grant; the library's check would start a new
  // interaction for it after every sign-in, forever (OIDC Core §3.1.2.1).
  consent.checks.remove('consent_prompt');
  // An essential acr we do not offer at all fails the request at once, with or without a session: neither a sign-in
  // nor an existing session can give it (checklist 75; OIDC Core §5.5.1.1; RFC 9470 §4). The error goes to the
  // redirect URI; the flow's own check (src/flow/finish.ts) stays for levels a sign-in could still fall short of.
  login.checks.add(
    new Check('essential_acr_unmeetable', 'the requested authentication level cannot be met', (ctx) => {
      if (unmeetableAcr(ctx.oidc.params as Record<string, unknown>)) {
        throw new errors.UnmetAuthenticationRequirements('the requested authentication level cannot be met');
      }
      return Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  // B20: an approval needs the register signed in as the cashier it names (src/provider/approval-requests.ts)
  login.checks.add(approvalCashierCheck(), 0);
  // B25: a device is approved by a full sign-in, whatever session this browser already has
  login.checks.add(
    new Check('device_approval', 'a device is approved by a full sign-in', (ctx) =>
      isDeviceApproval(ctx) && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  // A session below the level the client or request demands: the second factor (or a passkey) is asked for. Two checks,
  // so that prompt=none names what is missing (its description becomes the login_required error_description).
  const levelCheck = (reason: string, description: string, applies: (demanded: string) => boolean) =>
    new Check(reason, description, (ctx) => {
      const { oidc } = ctx;
      if (!oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const demanded = demandedLevel(oidc.client as never, oidc.params as Record<string, unknown>);
      return applies(demanded) && !satisfies(oidc.acr, demanded) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    });
  login.checks.add(levelCheck(STEP_UP.phr, 'a passkey (phishing-resistant authentication) is required', (demanded) => demanded === ACR.phr));
  login.checks.add(levelCheck(STEP_UP.mfa, 'multi-factor authentication is required', (demanded) => demanded !== ACR.phr));
  return policy;
}
