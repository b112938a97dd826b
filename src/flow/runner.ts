// The step runner's routes: for one interaction, load the flow state once, pick the first step that applies, check
// CSRF and input, apply effects, save, and answer with the next step's page (or finish the interaction).
import Router from '@koa/router';
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import { steps } from '../../interactions/index.js';
import type { Services } from '../container.js';
import type { Renderer } from '../http/page.js';
import { formBody } from '../http/form.js';
import { applyEffects, withAlarmWithdrawn, type DeviceCookie } from './effects.js';
import { loadFacts } from './facts.js';
import { finisher } from './finish.js';
import { initialFlowState } from './initial-state.js';
import type { FlowFacts, FlowState } from './state.js';
import type { Step } from './step.js';
import type { Carried, InteractionTokens, Proven } from './tokens.js';
import { isProof, PROOF_TTL_MS, proofFrom, stillProven, withProof } from './proof.js';
import { submissionOutcome } from './outcome.js';
import { secondsSince } from '../services/observe/index.js';
import { approvalWords } from '../../interactions/approval/state.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { SIGN_IN_LANGUAGE_COOKIE } from '../http/error-handler.js';
import { approvalReturn, expiredAnswer, expiredWords } from './approval-return.js';
import { currentStep, postRoute, withCarry } from './routing.js';

export interface RunnerDeps {
  provider: Provider;
  services: Services;
  render: Renderer;
  tokens: InteractionTokens;
  deviceCookie: DeviceCookie;
  /** the known-device cookie (B18), set after every full sign-in */
  knownCookie: DeviceCookie;
  /** the trusted-register cookie (B19), set from the admin console */
  registerCookie: DeviceCookie;
}

interface Loaded {
  state: FlowState;
  facts: FlowFacts;
  /** the password proof this request honoured (src/flow/proof.ts) */
  proven?: Proven;
}

export function interactionRouter(deps: RunnerDeps): Router & { firstPage: Koa.Middleware } {
  const { provider, services, render, tokens } = deps;
  const router = new Router({ prefix: '/interaction' });
  const approvals = approvalReturn(deps.deviceCookie.secure);
  // the proven password (src/flow/proof.ts), sent only to this interaction's pages and forms (named by it too, so
  // no client that ignores cookie paths can mix up two sign-ins)
  const proofCookie = (uid: string) => `${deps.deviceCookie.secure ? '__Secure-' : ''}signin-proof-${uid}`;
  const proofCookieOptions = (uid: string) => ({ path: `/interaction/${uid}`, httpOnly: true, sameSite: 'lax' as const, secure: deps.deviceCookie.secure, overwrite: true });
  const provenOf = (ctx: Koa.Context, uid: string) => tokens.proven(uid, ctx.cookies.get(proofCookie(uid)), services.clock());
  const handProof = async (ctx: Koa.Context, uid: string, proven: Proven) => ctx.cookies.set(proofCookie(uid), await tokens.proof(uid, proven), { ...proofCookieOptions(uid), maxAge: PROOF_TTL_MS });
  const forgetProof = (ctx: Koa.Context, uid: string) => ctx.cookies.set(proofCookie(uid), null, proofCookieOptions(uid));
  const { finish, abort, conclude } = finisher(provider, services, deps.knownCookie, (ctx, state) => {
    if (state.approval) approvals.forget(ctx, state.uid);
    forgetProof(ctx, state.uid);
  });

  // once the state is stored again, the stored state speaks for the proof it took in (and the proof is spent)
  async function save(ctx: Koa.Context, loaded: Loaded, state: FlowState) {
    await services.flows.save(loaded.proven ? { ...state, proofSpent: true } : state);
    if (loaded.proven) forgetProof(ctx, state.uid);
  }
  // the stored state with what the browser hands back: the store the previous page carried, a proven password
  const withHanded = (stored: FlowState, carried: Carried | undefined, proven: Proven | undefined) => {
    const state = withCarry(stored, carried);
    return (proven && withProof(state, proven)) ?? state;
  };

  // B20: a page of an approval that has expired (or was opened without its interaction cookie) says so and leads back
  // to the register, instead of "Your sign-in took too long" with no way out
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const uid = /^\/interaction\/([^/]+)/.exec(ctx.path)?.[1];
      const remembered = (err as { message?: unknown }).message === 'errors.session_expired' && uid ? approvals.of(ctx, uid) : undefined;
      if (!remembered) throw err;
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = render.page(
        'approval-expired',
        {
          summary: expiredWords(remembered, render.t),
          cashierName: remembered.cashierName,
          back: expiredAnswer(remembered, provider.issuer),
        },
        remembered.locale,
      );
    }
  });

  // The browser that started the interaction holds its signed cookie (oidc-provider sets it on /interaction/<uid>).
  const sameBrowser = (ctx: Koa.Context, uid: string) => ctx.cookies.get(provider.cookieName('interaction'), { signed: true }) === uid;

  const factsOf = async (ctx: Koa.Context, state: FlowState) => {
    const client = state.clientId ? await provider.Client.find(state.clientId) : undefined;
    const cookies = { remembered: ctx.cookies.get(deps.deviceCookie.name), known: ctx.cookies.get(deps.knownCookie.name), register: ctx.cookies.get(deps.registerCookie.name) };
    return loadFacts(services, state, cookies, { requireMfa: Boolean(client?.require_mfa) });
  };
  // the state with this request's facts: a trusted register's store becomes the flow's before anyone is named (B19),
  // so its sign-in starts at the password (nothing is written for it: every request reads the register anyway)
  const settle = async (ctx: Koa.Context, state: FlowState): Promise<Loaded> => {
    const facts = await factsOf(ctx, state);
    const fromRegister = !state.storeId && facts.register && facts.store?.id === facts.register.storeId;
    return { state: fromRegister && facts.store ? { ...state, storeId: facts.store.id, storePrefix: facts.store.prefix } : state, facts };
  };

  // The state as stored with the interaction (read with it: one command), whichever instance stored it last, with a
  // store the previous page handed on signed (`carried`).
  async function load(ctx: Koa.Context, uid: string, carried?: Carried): Promise<Loaded> {
    if (!sameBrowser(ctx, uid)) ctx.throw(400, 'errors.session_expired');
    // an unknown or ended interaction means start again; a database outage does not (the sign-in is kept: 503)
    const interaction = await provider.interactionDetails(ctx.req, ctx.res).catch((err: unknown) => {
      if (isDatabaseUnavailable(err)) throw err;
      return undefined;
    });
    if (!interaction || interaction.uid !== uid) return ctx.throw(400, 'errors.session_expired');
    let state = await services.flows.load(uid);
    if (!state) {
      const client = await provider.Client.find(String(interaction.params.client_id));
      state = await initialFlowState(interaction, client, ctx.get('accept-language'), services);
      await services.flows.save(state, { initial: true });
    }
    // an error page from here on speaks the flow's language
    ctx.state.locale = state.locale;
    const proven = await provenOf(ctx, uid);
    const proved = proven && withProof(withCarry(state, carried), proven);
    if (proven && proved) {
      const loaded = await settle(ctx, proved);
      if (stillProven(proven, loaded.facts)) return { ...loaded, proven };
    }
    if (ctx.cookies.get(proofCookie(uid))) forgetProof(ctx, uid);
    return settle(ctx, withCarry(state, carried));
  }

  const current = ({ state, facts }: Loaded): Step | undefined => currentStep(state, facts);

  async function show(ctx: Koa.Context, loaded: Loaded, step: Step, error?: { code: string; vars?: Record<string, string | number> }, carry?: string) {
    const { state } = loaded;
    const started = performance.now();
    const { template, view } = await step.render(state, loaded.facts, services);
    // should the database be down at the next page or form, its 503 page speaks this language too (no state to read)
    ctx.cookies.set(SIGN_IN_LANGUAGE_COOKIE, state.locale, { path: `/interaction/${state.uid}`, httpOnly: true, sameSite: 'lax', secure: deps.deviceCookie.secure, overwrite: true });
    if (state.approval) approvals.remember(ctx, state.uid, state.locale, state.approval);
    ctx.status = error ? 400 : 200;
    ctx.type = 'html';
    ctx.body = render.page(
      template,
      {
        ...view,
        csrf: tokens.csrf(state.uid),
        carry,
        action: `/interaction/${state.uid}/${step.id}`,
        error: error ? render.t(state.locale, `errors.${error.code}`, error.vars) : undefined,
        errorCode: error?.code,
        // B20: every page of a manager's approval says what is being approved, and for whom
        ...(state.approval ? { approvalSummary: approvalWords(state.approval, state.locale, render.t), approvalCashier: state.approval.cashierName } : {}),
      },
      state.locale,
    );
    services.observe.step({ step: step.id, phase: 'render', seconds: secondsSince(started) });
  }

  // The next page right away (no redirect and no second read): the step that now applies, or the end.
  async function next(ctx: Koa.Context, loaded: Loaded, carry?: string) {
    const step = current(loaded);
    if (!step) return finish(ctx, loaded.state, loaded.facts);
    await show(ctx, loaded, step, undefined, carry);
  }

  // The first page of a sign-in, answered by the authorization request that began it instead of a redirect to it: one
  // round trip and one read of the interaction less (issue 22). The state is the one just made (stored with the
  // interaction in this request's write) and the interaction cookie is the one this answer sets.
  const firstPage: Koa.Middleware = async (ctx, next) => {
    await next();
    const state = ctx.state[STARTED] as FlowState | undefined;
    if (!state || ctx.method !== 'GET' || ctx.status < 300 || ctx.status >= 400 || ctx.response.get('location') !== `/interaction/${state.uid}`) return;
    ctx.state.locale = state.locale;
    const loaded = await settle(ctx, state);
    const step = current(loaded);
    if (!step) return;
    ctx.remove('Location');
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    await show(ctx, loaded, step);
  };

  router.get('/:uid', async (ctx) => {
    const loaded = await load(ctx, ctx.params.uid);
    await next(ctx, loaded);
  });

  // Routes the steps declare: mode switches (use-recovery, use-app, change-store) and downloads.
  for (const step of steps) {
    for (const route of step.routes ?? []) {
      router.get(`/:uid/${route.path}`, async (ctx) => {
        // a link on a page that was handed the store (the password page's "Forgot your password?") carries it along
        const loaded = await load(ctx, ctx.params.uid, tokens.carried(ctx.params.uid, ctx.query.carry));
        const result = await route.run(loaded.state, loaded.facts, services, render, new URLSearchParams(ctx.querystring));
        if (result.kind === 'not-found') return ctx.throw(404, 'errors.not_found');
        if (result.kind === 'error') return ctx.throw(400, `errors.${result.code}`);
        if (result.kind === 'download') {
          ctx.set('Content-Disposition', `attachment; filename="${result.filename}"`);
          ctx.type = 'text/plain; charset=utf-8';
          ctx.body = result.body;
          return;
        }
        await save(ctx, loaded, { ...loaded.state, ...result.patch });
        ctx.redirect(`/interaction/${loaded.state.uid}`);
      });
    }
  }

  router.post('/:uid/:step', async (ctx) => {
    const started = performance.now();
    const body = formBody(ctx);
    const uid = ctx.params.uid;
    const carried = tokens.carried(uid, body.carry);
    const carry = carried ? tokens.carry(uid, carried) : undefined;
    const handsOn = Boolean(steps.find((s) => s.id === ctx.params.step)?.handsOn);
    const loaded = await load(ctx, uid, carried);
    const route = postRoute(ctx.params.step, loaded.state, loaded.facts);
    if (route.kind === 'finish') return finish(ctx, loaded.state, loaded.facts);
    // a stale tab posting to a step that no longer applies just sees the current step again
    if (route.kind === 'stale') {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${uid}`);
    }
    const { step } = route;
    if (!tokens.csrfMatches(uid, body.csrf)) return show(ctx, loaded, step, { code: 'csrf' }, carry);
    const parsed = step.input.safeParse(body);
    if (!parsed.success) return show(ctx, loaded, step, { code: 'invalid_input' }, carry);

    const result = await step.submit(parsed.data, loaded.state, loaded.facts, services, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
    const outcome = submissionOutcome(step, result);
    if (outcome) services.observe.signIn(outcome);
    if (result.kind === 'abort') return abort(ctx, loaded.state, result.error, result.description);
    if (result.kind === 'conclude') {
      await applyEffects(ctx, services, result.effects, loaded.state, { days: loaded.facts.rememberDays, cookie: deps.deviceCookie });
      return conclude(ctx, loaded.state, result.result);
    }
    // a refusal that changes nothing (a lock-out, say) reads and writes nothing more: a flood stays cheap
    const changes = result.kind !== 'rerender' || Object.keys(result.patch ?? {}).length > 0;
    let state: FlowState;
    if (result.kind === 'rerender') {
      // a refused submission changes only its patch, on top of whatever a parallel request saved meanwhile
      const latest = !changes || handsOn ? loaded.state : ((await services.flows.load(uid, { fresh: true })) ?? loaded.state);
      state = { ...(latest === loaded.state ? latest : withHanded(latest, carried, loaded.proven)), ...result.patch };
    } else state = { ...loaded.state, ...result.patch };
    await applyEffects(ctx, services, withAlarmWithdrawn(loaded.state, state, result.effects), state, { days: loaded.facts.rememberDays, cookie: deps.deviceCookie });
    const handedOn = result.kind === 'advance' && result.carry ? tokens.carry(uid, { storeId: state.storeId, storePrefix: state.storePrefix }) : undefined;
    // a right password is handed to the browser, signed, instead of being stored (src/flow/proof.ts)
    const proving = result.kind === 'advance' && !handedOn && isProof(loaded.state, result.patch);
    if (changes && !handsOn && !handedOn && !proving) await save(ctx, loaded, state);
    const after = await settle(ctx, state);
    if (proving) {
      const proven = proofFrom(state, after.facts, services.clock());
      if (proven) await handProof(ctx, uid, proven);
      else await save(ctx, loaded, state);
    }
    if (result.kind === 'rerender') await show(ctx, after, current(after) ?? step, { code: result.error, vars: result.vars }, carry);
    else await next(ctx, after, handedOn ?? carry);
    // the whole answer to the step's form: its checks, the writes and the next page
    services.observe.step({ step: step.id, phase: 'submit', seconds: secondsSince(started) });
  });

  return Object.assign(router, { firstPage });
}

/** The initial flow state, made while oidc-provider creates the interaction (stored in the same write). */
export async function beginFlow(services: Services, interaction: Parameters<typeof initialFlowState>[0], client: Parameters<typeof initialFlowState>[1], acceptLanguage: string) {
  const state = await initialFlowState(interaction, client, acceptLanguage, services);
  await services.flows.save(state, { initial: true });
  return state;
}

const STARTED = 'startedFlow';

/** Remembers the flow a request just began, for its first page (interactionRouter's firstPage). */
export function startedFlow(ctx: Koa.Context, state: FlowState) {
  ctx.state[STARTED] = state;
}
