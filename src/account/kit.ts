// What every Security & ID page needs, for the account router and the factors' own account pages: the signed-in
// session (with the MFA it must have proved), re-authentication, rendering, the pages' typed state, and the binding
// rule as these pages ask it (src/services/binding).
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import type { AccountContext } from './context.js';
import type { Renderer } from '../http/page.js';
import { pickLocale, type Locale } from '../http/i18n.js';
import { ACR, satisfies } from '../provider/acr.js';
import { formBody } from '../http/form.js';
import { accountSessions, type AccountSession } from './session.js';
import type { UserView } from '../services/account/users.js';
import { backLinkOf } from '../http/back-link.js';
import { resetNotice, type ResetNotice } from '../../factors/reset-notice.js';
import { proofWays } from '../../factors/proof-ways.js';
import { storeTimeZone } from '../services/policy/time-zone.js';
import type { BindingEvidence, Requirement } from '../services/binding/index.js';
import { accountState, FACTOR_BOUND_MS, PROOF_MS, type SessionState } from './state.js';

export interface AccountDeps {
  provider: Provider;
  services: AccountContext;
  render: Renderer;
  issuer: string;
  csrfKey: string;
}

export type AccountKit = ReturnType<typeof accountKit>;

/** The kit plus the overview page, for the factors' own account pages (src/account/routes.ts hands it over). */
export interface AccountPages extends AccountKit {
  overview(ctx: Koa.Context, s: AccountSession, notice?: string, error?: string): Promise<void>;
}

export function accountKit(deps: AccountDeps) {
  const { services, render } = deps;
  const sessions = accountSessions(deps.provider, deps.csrfKey);
  const state = accountState(services.pageState);
  // the page's ui_locales, else the language the signed-in user chose (requireSession notes it), else the browser's
  const locale = (ctx: Koa.Context): Locale =>
    pickLocale((ctx.query.ui_locales as string | undefined) ?? (ctx.state as { chosenLocale?: Locale }).chosenLocale, ctx.get('accept-language'));
  const now = () => services.clock().getTime();

  // The password again, throttled; a breached one is remembered for a warning until changed (S2: every entry is checked).
  async function reauthenticate(ctx: Koa.Context, s: AccountSession, password: string) {
    const result = await services.reauthenticate(s.accountId, password, ctx.ip);
    if (result !== 'ok') return result;
    const breach = await services.breach.check(password);
    if (breach.status === 'breached') {
      const user = await services.users.byId(s.accountId);
      await state.breach.flag(s.accountId, breach.count);
      await services.audit.record({ type: 'breach.detected', userId: s.accountId, storeId: user?.storeId, ip: ctx.ip, details: { count: breach.count, at: 'reauthentication' } });
    }
    return result;
  }

  // a session proves a second factor by its sign-in (acr), or by binding one on these pages within the hour
  const factorProved = (s: AccountSession, pageState: SessionState) =>
    satisfies(s.acr, ACR.mfa) || (pageState.factorBoundAt !== undefined && now() - pageState.factorBoundAt < FACTOR_BOUND_MS);

  /** What this session has proved towards a binding (the password is the caller's to say). */
  async function evidence(s: AccountSession, passwordProved: boolean): Promise<BindingEvidence> {
    const pageState = await state.load(s);
    const proof = pageState.proof && now() - pageState.proof.at < PROOF_MS ? pageState.proof.kind : undefined;
    return { factorProved: factorProved(s, pageState), proof, passwordProved };
  }

  // the session's account exists (requireSession found it, and accounts are never deleted)
  async function accountUser(s: AccountSession): Promise<UserView> {
    const user = await services.users.byId(s.accountId);
    if (!user) throw new Error(`account pages: user ${s.accountId} is missing`);
    return user;
  }

  async function subject(s: AccountSession) {
    const user = await accountUser(s);
    const store = await services.users.storeById(user.storeId);
    return { user, policy: { passwordEnrolmentUntil: store?.policy.passwordEnrolmentUntil ?? null } };
  }

  // the user's store's time zone: dates on these pages are the store's
  async function zoneOf(user: UserView) {
    const store = await services.users.storeById(user.storeId);
    return storeTimeZone({ country: store?.country ?? '', timeZone: store?.policy.timeZone });
  }

  /** Who reset this user's MFA and when, in words, while they must set it up again (issue 19 item 7). */
  async function resetOf(ctx: Koa.Context, user: UserView): Promise<ResetNotice | undefined> {
    if (!user.mfaReset) return undefined;
    const byName = user.mfaReset.by ? ((await services.users.byId(user.mfaReset.by))?.name ?? null) : null;
    return resetNotice({ byName, at: user.mfaReset.at }, locale(ctx), await zoneOf(user), services.clock());
  }

  function show(ctx: Koa.Context, s: AccountSession, template: string, view: Record<string, unknown>, error?: string) {
    const loc = locale(ctx);
    ctx.status = error ? 400 : 200;
    ctx.type = 'html';
    // signed in: a way back to the client the visit came from, and no "Trouble signing in?" footer
    ctx.body = render.page(template, { ...view, backLink: backLinkOf(ctx), signedIn: true, csrf: s.csrf, error: error ? render.t(loc, `errors.${error}`) : undefined }, loc);
  }

  return {
    services,
    render,
    issuer: deps.issuer,
    sessions,
    state,
    locale,
    body: formBody,
    reauthenticate,
    accountUser,
    resetOf,
    show,

    // Changing credentials needs the strongest factor the user has: an MFA user signed in with the password alone
    // (a remembered device) is sent back for the code first (checklist 39, 58).
    async requireSession(ctx: Koa.Context): Promise<AccountSession | undefined> {
      const session = await sessions.current(ctx);
      const user = session && (await services.users.byId(session.accountId));
      if (!session || !user?.active) {
        ctx.redirect('/account/login');
        return undefined;
      }
      if (user.localeChosen && user.locale) (ctx.state as { chosenLocale?: Locale }).chosenLocale = user.locale;
      if (user.mfaEnabled && !factorProved(session, await state.load(session))) {
        ctx.redirect('/account/login?mfa=1');
        return undefined;
      }
      return session;
    },

    // Every change carries the session-bound CSRF token and, when asked, proves the password again (checklist 39, 58).
    async guard(ctx: Koa.Context, s: AccountSession, needPassword: boolean): Promise<string | undefined> {
      const b = formBody(ctx);
      if (!sessions.csrfValid(s, b.csrf)) return 'csrf';
      if (!needPassword) return undefined;
      const result = await reauthenticate(ctx, s, typeof b.password === 'string' ? b.password : '');
      return result === 'ok' ? undefined : result;
    },

    /** The binding rule's answer for this session now (src/services/binding). */
    async bindingNeeds(s: AccountSession, passwordProved: boolean): Promise<Requirement> {
      const { user, policy } = await subject(s);
      return services.binding.requirement(user, policy, await evidence(s, passwordProved));
    },

    /** The grant for one binding, right before it is made, or what the rule still misses. */
    async authorize(s: AccountSession, passwordProved: boolean) {
      const { user, policy } = await subject(s);
      return services.binding.authorize(user, policy, await evidence(s, passwordProved));
    },

    /** The second proof the rule asks for before a binding (a pass, or a link to a usable address); then `next`. */
    async proofPage(ctx: Koa.Context, s: AccountSession, next: string, error?: string, sent?: 'link' | 'verify') {
      const user = await accountUser(s);
      const need = await this.bindingNeeds(s, false);
      const canEmail = need.kind === 'proof' && need.options.includes('email');
      show(
        ctx,
        s,
        'enrol-proof',
        {
          // which ways this user has, and for the others why not and what to do (issue 19 item 3)
          ...proofWays(user, need, { locale: locale(ctx), zone: await zoneOf(user), now: services.clock() }),
          action: '/account/binding/proof',
          next,
          canEmail,
          linkSent: sent === 'link',
          verifySent: sent === 'verify',
          continueUrl: next,
          afterReset: user.mustEnrol && !user.mfaEnabled,
          reset: await resetOf(ctx, user),
          fromAccount: true,
        },
        error,
      );
    },

    /** After a binding: the proof is used, the session has proved a factor, and the sessions elsewhere end (checklist 53). */
    async bound(s: AccountSession, slice: Partial<SessionState>) {
      await state.update(s, { ...slice, proof: undefined, factorBoundAt: now() });
      await services.endOtherSessions(s.accountId, s.sessionId);
    },
  };
}
