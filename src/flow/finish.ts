// Ending an interaction: an honest amr/acr from the factor used, the essential-acr check, the success audit, and the
// result stored with this request's other writes before the browser goes back to the authorization endpoint.
import type Koa from 'koa';
import type { InteractionResults, Provider } from 'oidc-provider';
import type { Services } from '../container.js';
import { ACR, essentialAcrs, satisfies } from '../provider/acr.js';
import type { FlowFacts, FlowState } from './state.js';
import { need } from './step.js';
import { proofOf } from '../../factors/index.js';
import type { DeviceCookie } from './effects.js';

// a browser stays a known device this long after the user's last full sign-in on it
const KNOWN_DEVICE_DAYS = 400;

export function amrOf(state: FlowState): { amr: string[]; acr: string } {
  // a quick switch says only what it was: a PIN, on a trusted register (B19; RFC 8176 "pin")
  if (state.pinVerified) return { amr: ['pin'], acr: ACR.switch };
  const { amr, phishingResistant } = proofOf(state);
  return { amr, acr: phishingResistant ? ACR.phr : amr.includes('mfa') ? ACR.mfa : ACR.pwd };
}

/** `onEnd`: what else an ending undoes in the browser (an approval's way back, src/flow/approval-return.ts). */
export function finisher(provider: Provider, services: Services, knownCookie: DeviceCookie, onEnd?: (ctx: Koa.Context, state: FlowState) => void) {
  async function finishWith(ctx: Koa.Context, state: FlowState, result: InteractionResults) {
    onEnd?.(ctx, state);
    await services.flows.remove(state.uid);
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    await services.payloads.flush();
    ctx.status = 303;
    ctx.redirect(returnTo);
  }

  return {
    abort: (ctx: Koa.Context, state: FlowState, error: string, description: string) => finishWith(ctx, state, { error, error_description: description }),
    conclude: (ctx: Koa.Context, state: FlowState, result: Record<string, unknown>) => finishWith(ctx, state, result as InteractionResults),

    async finish(ctx: Koa.Context, state: FlowState, facts: FlowFacts) {
      // an approval ends only by its own step's decision (interactions/approval), never as a sign-in on the register
      if (state.approval) return finishWith(ctx, state, { error: 'access_denied', error_description: 'no manager approved this request' });
      const { amr, acr } = amrOf(state);
      // an essential acr we cannot meet fails the request instead of returning another level (checklist 75; RFC 9470 §4)
      const essential = essentialAcrs((await provider.interactionDetails(ctx.req, ctx.res)).params);
      if (essential && !essential.some((wanted) => satisfies(acr, wanted))) {
        return finishWith(ctx, state, { error: 'unmet_authentication_requirements', error_description: 'the requested authentication level cannot be met' });
      }
      // a PIN counts only on the register it was checked on
      if (state.pinVerified && facts.register?.id !== state.switchRegisterId) return finishWith(ctx, state, { error: 'access_denied', error_description: 'the register changed during the switch' });
      const ts = Math.floor(services.clock().getTime() / 1000);
      // B19: a full MFA sign-in on a trusted register opens PIN switching there for the day; a PIN switch is recorded
      // so its tokens can name the register
      if (facts.register && facts.user) {
        const meta = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
        if (state.pinVerified) await services.quickSwitch.switched(facts.register, { ...facts.user, active: true, storeId: need(state.storeId, 'state.storeId') }, ts, meta);
        else if (satisfies(acr, ACR.mfa) && state.storeId) await services.quickSwitch.fullSignIn(facts.register, { ...facts.user, active: true, storeId: state.storeId }, meta);
      }
      // a completed sign-in clears the failure count of where it came from (checklist 23); a PIN is no sign-in ...
      if (state.storeId && facts.user && !state.pinVerified) await services.throttle.succeed({ storeId: state.storeId, username: facts.user.username, user: facts.user, device: services.knownDevices.tagFor(facts.device, facts.user.id) });
      // ... and this browser is a known device of the user from now on (B18): no write, the cookie is signed
      if (facts.user) {
        ctx.cookies.set(knownCookie.name, services.knownDevices.remember(facts.device, facts.user.id), {
          httpOnly: true,
          secure: knownCookie.secure,
          sameSite: 'lax',
          path: '/',
          maxAge: KNOWN_DEVICE_DAYS * 86_400_000,
          overwrite: true,
        });
      }
      await services.audit.record({
        type: 'signin.success',
        userId: state.userId,
        storeId: state.storeId,
        ip: ctx.ip,
        userAgent: ctx.get('user-agent'),
        details: { clientId: state.clientId, amr, stepUp: state.stepUp, secondFactor: state.secondFactor ?? null },
      });
      services.observe.signIn({ outcome: 'completed', factor: state.secondFactor ?? 'password', acr, amr: amr.join('+') });
      // a step-up is an active authentication too, so auth_time moves forward (OIDC Core 2: auth_time)
      await finishWith(ctx, state, { login: { accountId: need(state.userId, 'state.userId'), amr, acr, ts, remember: true } });
    },
  };
}
