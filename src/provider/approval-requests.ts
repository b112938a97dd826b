// B20: manager approval as RFC 9396 authorization details (`pos_approval`): what a request may ask, that the register
// is signed in as the cashier it names, and the enriched details (cashier and approving manager) the token carries.
import {
  errors,
  interactionPolicy,
  type AuthorizationDetail,
  type AuthorizationDetailsForIntrospection,
  type KoaContextWithOIDC,
  type RichAuthorizationRequestsActiveConfiguration,
} from 'oidc-provider';
import { APPROVAL_TYPE, approvalDetailOf, invalidDetailReason, type ApprovalParties } from '../services/approval/details.js';

const { Check } = interactionPolicy;

export type RarConfig = RichAuthorizationRequestsActiveConfiguration & { authorizationDetailsForIntrospection: AuthorizationDetailsForIntrospection };
type Details = readonly AuthorizationDetail[] | undefined;

const requestedDetails = (ctx: KoaContextWithOIDC): unknown => {
  const raw = ctx.oidc.params?.authorization_details;
  try {
    return typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
};

/** Does this authorization request ask for a manager's approval? */
export function isApprovalRequest(ctx: KoaContextWithOIDC): boolean {
  const details = requestedDetails(ctx);
  return Array.isArray(details) && details.some((d) => (d as { type?: unknown })?.type === APPROVAL_TYPE);
}

/** What the approval step hands back with the interaction result (src/flow: a step's own result). */
export interface ApprovalResult {
  approval: ApprovalParties;
}

/** `audiences`: the resource servers approval tokens are for (config/resource-servers.json, `"approvals": true`). */
export function approvalRichAuthorizationRequests(audiences: readonly string[]): RarConfig {
  return {
    enabled: true,
    types: {
      [APPROVAL_TYPE]: {
        // runs at the authorization endpoint: a malformed detail never reaches a manager (error to the redirect URI)
        async validate(ctx, detail) {
          const reason = invalidDetailReason(detail);
          if (reason) throw new errors.InvalidAuthorizationDetails(reason);
          const details = requestedDetails(ctx) as unknown[];
          if (details.filter((d) => (d as { type?: unknown }).type === APPROVAL_TYPE).length > 1) {
            throw new errors.InvalidAuthorizationDetails('one pos_approval per request');
          }
          // a manager approves at the register, in the cashier's session: a device has neither
          if (ctx.oidc.route === 'device_authorization') throw new errors.InvalidAuthorizationDetails('pos_approval is not for the device authorization grant');
          const params = ctx.oidc.params ?? {};
          // the manager always signs in fully inside the approval; these would sign the manager in on the register
          if (String(params.prompt ?? '').split(' ').includes('login') || params.max_age !== undefined) {
            throw new errors.InvalidRequest('approval requests take neither prompt=login nor max_age: the manager always signs in fully');
          }
          if (params.id_token_hint === undefined) throw new errors.InvalidRequest('approval requests need id_token_hint: the cashier’s ID token');
          if (typeof params.resource !== 'string' || !audiences.includes(params.resource)) {
            throw new errors.InvalidTarget('approval requests name one approvals resource server as resource');
          }
        },
      },
    },
    // the code carries the details the manager saw, enriched with who asked and who approved (RFC 9396 §7.1)
    async authorizationDetailsForGrantSource(ctx) {
      const detail = approvalDetailOf(requestedDetails(ctx));
      const result = ctx.oidc.result as Partial<ApprovalResult> | undefined;
      if (!detail || !result?.approval) throw new errors.AccessDenied('no manager approved this request');
      return [{ ...detail, ...result.approval }] as unknown as Details;
    },
    // the access token gets exactly the code's details (whatever the token request says), only for an approvals
    // resource server (so only with its 2-minute lifetime); there is no refresh token to widen them later
    async authorizationDetailsForAccessToken(_ctx, token, source) {
      const rar = (source as { rar?: Details } | undefined)?.rar;
      const audience = (token as { resourceServer?: { audience?: string } }).resourceServer?.audience;
      if (carriesApproval({ rar: rar as never }) && (!audience || !audiences.includes(audience))) {
        throw new errors.InvalidTarget('an approval is issued only for an approvals resource server');
      }
      return rar;
    },
    async authorizationDetailsForIntrospection(_ctx, token) {
      return (token as { rar?: Details }).rar;
    },
  };
}

// Login-prompt check: an approval runs on a register signed in as the cashier its id_token_hint names, so the cashier
// is known from the provider's own session and ID token, never from a name the POS typed. Without that it fails at once
// (login_required) instead of offering a sign-in that would put the manager's session on the register.
export const approvalCashierCheck = () =>
  new Check('approval_cashier', 'an approval needs the register signed in as the cashier', (ctx) => {
    if (!isApprovalRequest(ctx)) return Check.NO_NEED_TO_PROMPT;
    const { session, client } = ctx.oidc;
    // at the authorization endpoint the validated hint names the cashier; on resume, the result the approval made
    const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: string } } | undefined;
    const named = hint?.payload?.sub ?? (ctx.oidc.result as Partial<ApprovalResult> | undefined)?.approval?.cashier.sub;
    const signedIn = session?.accountId && client && session.authorizations?.[client.clientId];
    if (!signedIn || !named || named !== session.accountId) {
      throw new errors.LoginRequired('the register is not signed in as the cashier named by id_token_hint');
    }
    return Check.NO_NEED_TO_PROMPT;
  });

/** An approval's code never gets a refresh token: an approval is used once, within minutes. */
export const carriesApproval = (source: { rar?: Array<{ type?: string }> } | undefined) => Boolean(source?.rar?.some((d) => d.type === APPROVAL_TYPE));
