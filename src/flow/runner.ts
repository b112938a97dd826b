// The step runner: loads flow state for an interaction, picks the first step that applies, validates input,
// checks CSRF, applies effects and finishes the interaction with an honest amr/acr.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import { steps } from '../../interactions/index.js';
import type { Services } from '../container.js';
import { pickLocale } from '../http/i18n.js';
import { ACR, demandsMfa, essentialAcrs, satisfies } from '../provider/acr.js';
import type { FlowFacts, FlowState } from './state.js';
import { need, type Effect, type Step } from './step.js';
import type { Renderer } from '../http/page.js';
import { formBody, sameToken } from '../http/form.js';

export interface RunnerDeps {
  provider: Provider;
  services: Services;
  render: Renderer;
  deviceCookie: { name: string; secure: boolean };
}

export function interactionRouter(deps: RunnerDeps): Router {
  const { provider, services, render } = deps;
  const router = new Router({ prefix: '/interaction' });

  async function details(ctx: Koa.Context) {
    try {
      return await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      return ctx.throw(400, 'errors.session_expired');
    }
  }

  async function loadState(ctx: Koa.Context): Promise<FlowState> {
    const interaction = await details(ctx);
    const existing = await services.flows.load(interaction.uid);
    if (existing) return existing;
    const client = await provider.Client.find(String(interaction.params.client_id));
    const params = interaction.params as Record<string, string | undefined>;
    const reasons = interaction.prompt.reasons;
    const sessionAccount = interaction.session?.accountId;
    // only a missing second factor on a live session is a step-up; any freshness demand means the full sign-in
    const stepUpOnly = reasons.length > 0 && reasons.every((r) => r === 'mfa_demanded');
    const state: FlowState = {
      uid: interaction.uid,
      csrf: randomBytes(24).toString('base64url'),
      locale: pickLocale(params.ui_locales, ctx.get('accept-language')),
      clientId: client?.clientId ?? '',
      native: client?.applicationType === 'native',
      mfaDemanded: demandsMfa(client as never, interaction.params),
      stepUp: Boolean(sessionAccount) && stepUpOnly,
    };
    const sessionUser = sessionAccount ? await services.users.byId(sessionAccount) : undefined;
    if (sessionUser && state.stepUp) {
      Object.assign(state, { userId: sessionUser.id, storeId: sessionUser.storeId, username: sessionUser.username, passwordVerified: true });
    } else if (sessionUser) {
      // switching user on a shared register (S9): same store, fresh username and password
      const store = await services.users.storeById(sessionUser.storeId);
      if (store) Object.assign(state, { storeId: store.id, storePrefix: store.prefix, switchingUser: reasons.includes('login_prompt') });
    }
    const hintedStore = params.store ?? params.login_hint?.split(':')[0];
    if (!state.storeId && hintedStore) {
      const store = await services.users.storeByPrefix(hintedStore);
      if (store) Object.assign(state, { storeId: store.id, storePrefix: store.prefix });
    }
    await services.flows.save(state);
    return state;
  }

  async function facts(ctx: Koa.Context, state: FlowState): Promise<FlowFacts> {
    const store = state.storeId ? await services.users.storeById(state.storeId) : undefined;
    const user = state.userId ? await services.users.byId(state.userId) : undefined;
    const client = state.clientId ? await provider.Client.find(state.clientId) : undefined;
    const token = ctx.cookies.get(deps.deviceCookie.name);
    const deviceRemembered = Boolean(user && token && (await services.devices.isRemembered(user.id, token)));
    return {
      store: store && { id: store.id, prefix: store.prefix, name: store.name },
      user: user && {
        id: user.id,
        username: user.username,
        name: user.name,
        role: user.role,
        mfaEnabled: user.mfaEnabled,
        mustEnrol: user.mustEnrol,
        mustChangePassword: user.mustChangePassword,
        mfaRequired: store ? services.policy.required(user, store, { requireMfa: Boolean(client?.require_mfa) }) : true,
      },
      deviceRemembered,
      rememberAllowed: !state.native && (store?.policy.rememberDeviceAllowed ?? true),
      rememberDays: store?.policy.rememberDeviceDays ?? services.config.rememberDeviceDays,
    };
  }

  const current = (state: FlowState, f: FlowFacts): Step | undefined => steps.find((s) => s.applies(state, f));

  async function show(ctx: Koa.Context, state: FlowState, f: FlowFacts, step: Step, error?: { code: string; vars?: Record<string, string | number> }) {
    const { template, view } = await step.render(state, f, services);
    ctx.status = error ? 400 : 200;
    ctx.type = 'html';
    ctx.body = render.page(
      template,
      {
        ...view,
        csrf: state.csrf,
        action: `/interaction/${state.uid}/${step.id}`,
        error: error ? render.t(state.locale, `errors.${error.code}`, error.vars) : undefined,
        errorCode: error?.code,
      },
      state.locale,
    );
  }

  async function applyEffects(ctx: Koa.Context, effects: Effect[] | undefined, state: FlowState) {
    for (const effect of effects ?? []) {
      if (effect.kind === 'remember-device') {
        const days = (await facts(ctx, state)).rememberDays;
        const token = await services.devices.remember(effect.userId, days, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
        ctx.cookies.set(deps.deviceCookie.name, token, {
          httpOnly: true,
          secure: deps.deviceCookie.secure,
          sameSite: 'lax',
          path: '/',
          maxAge: days * 86_400_000,
          overwrite: true,
        });
      } else if (effect.kind === 'notify-second-factor-failed') {
        await services.notify({ type: 'second_factor_failed', userId: effect.userId, details: { ip: ctx.ip, userAgent: ctx.get('user-agent') } });
      } else if (effect.kind === 'audit') {
        await services.audit.record({
          type: effect.type,
          userId: effect.userId ?? state.userId,
          storeId: effect.storeId ?? state.storeId,
          ip: ctx.ip,
          userAgent: ctx.get('user-agent'),
          details: { clientId: state.clientId, ...effect.details },
        });
      }
    }
  }

  async function finish(ctx: Koa.Context, state: FlowState) {
    const amr = ['pwd'];
    if (state.secondFactor === 'otp' || state.secondFactor === 'recovery') amr.push('otp', 'mfa');
    // a recovery code is not an OTP from the app; RFC 8176 has no better value than "otp" for a one-time code
    const acr = amr.includes('mfa') ? ACR.mfa : ACR.pwd;
    // an essential acr we cannot meet fails the request instead of returning another level (checklist 75; RFC 9470 §4)
    const essential = essentialAcrs((await provider.interactionDetails(ctx.req, ctx.res)).params);
    if (essential && !essential.some((wanted) => satisfies(acr, wanted))) {
      await services.flows.remove(state.uid);
      await provider.interactionFinished(ctx.req, ctx.res, { error: 'unmet_authentication_requirements', error_description: 'the requested authentication level cannot be met' }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    await services.flows.remove(state.uid);
    // a completed sign-in clears the account's failure count (checklist 23)
    if (state.storeId && state.username) await services.throttle.succeed([services.throttle.accountKey(state.storeId, state.username)]);
    await services.audit.record({
      type: 'signin.success',
      userId: state.userId,
      storeId: state.storeId,
      ip: ctx.ip,
      userAgent: ctx.get('user-agent'),
      details: { clientId: state.clientId, amr, stepUp: state.stepUp, secondFactor: state.secondFactor ?? null },
    });
    // a step-up is an active authentication too, so auth_time moves forward (OIDC Core 2: auth_time)
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: need(state.userId, 'state.userId'), amr, acr, ts: Math.floor(Date.now() / 1000), remember: true } },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
  }

  router.get('/:uid', async (ctx) => {
    const state = await loadState(ctx);
    const f = await facts(ctx, state);
    const step = current(state, f);
    if (!step) return finish(ctx, state);
    await show(ctx, state, f, step);
  });

  // Mode switches within the second-factor step; they change only which form is shown.
  router.get('/:uid/use-recovery', async (ctx) => {
    const state = await loadState(ctx);
    await services.flows.save({ ...state, recoveryMode: true });
    ctx.redirect(`/interaction/${state.uid}`);
  });
  router.get('/:uid/use-app', async (ctx) => {
    const state = await loadState(ctx);
    await services.flows.save({ ...state, recoveryMode: false });
    ctx.redirect(`/interaction/${state.uid}`);
  });
  router.get('/:uid/change-store', async (ctx) => {
    const state = await loadState(ctx);
    if (!state.passwordVerified) {
      const { storeId: _s, storePrefix: _p, username: _u, ...rest } = state;
      await services.flows.save(rest as FlowState);
    }
    ctx.redirect(`/interaction/${state.uid}`);
  });
  router.get('/:uid/recovery-codes.txt', async (ctx) => {
    const state = await loadState(ctx);
    if (state.enrol?.stage !== 'codes' || !state.enrol.codesSealed) return ctx.throw(404, 'errors.not_found');
    const codes = services.mfa.unsealCodes(state.enrol.codesSealed);
    ctx.set('Content-Disposition', 'attachment; filename="recovery-codes.txt"');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = render.recoveryCodesText(state.locale, codes, state.username ?? '');
  });

  router.post('/:uid/:step', async (ctx) => {
    const state = await loadState(ctx);
    const f = await facts(ctx, state);
    const step = current(state, f);
    if (!step) return finish(ctx, state);
    const body = formBody(ctx);
    // a stale tab posting to a step that no longer applies just sees the current step again
    if (step.id !== ctx.params.step) {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${state.uid}`);
    }
    if (!sameToken(body.csrf, state.csrf)) return show(ctx, state, f, step, { code: 'csrf' });
    const parsed = step.input.safeParse(body);
    if (!parsed.success) return show(ctx, state, f, step, { code: 'invalid_input' });

    const result = await step.submit(parsed.data, state, f, services, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
    if (result.kind === 'abort') {
      await services.flows.remove(state.uid);
      await provider.interactionFinished(ctx.req, ctx.res, { error: result.error, error_description: result.description }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    // a refused or failed submission changes only its patch, on top of whatever a parallel request saved meanwhile
    const base = result.kind === 'rerender' ? ((await services.flows.load(state.uid)) ?? state) : state;
    const next: FlowState = { ...base, ...(result.patch ?? {}) };
    await applyEffects(ctx, result.effects, next);
    await services.flows.save(next);
    if (result.kind === 'rerender') {
      const nf = await facts(ctx, next);
      return show(ctx, next, nf, current(next, nf) ?? step, { code: result.error, vars: result.vars });
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${state.uid}`);
  });

  return router;
}
