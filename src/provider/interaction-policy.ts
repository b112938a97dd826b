// Authorization prompt checks: the library's, an MFA step-up check that understands acr ordering, no consent page.
import { interactionPolicy } from 'oidc-provider';
import { demandsMfa, satisfies, ACR } from './acr.js';

const { Check, base } = interactionPolicy;

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
  login.checks.add(
    new Check('mfa_demanded', 'multi-factor authentication is required', (ctx) => {
      const { oidc } = ctx;
      if (!oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const params = oidc.params as Record<string, unknown>;
      if (demandsMfa(oidc.client as never, params) && !satisfies(oidc.acr, ACR.mfa)) return Check.REQUEST_PROMPT;
      return Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
