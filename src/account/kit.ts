// What every Security & ID page needs, for the account router and the factors' own account pages: the signed-in
// session (with the MFA it must have proved), re-authentication, rendering, and the keys of its stored page state.
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import type { Services } from '../container.js';
import type { Renderer } from '../http/page.js';
import { pickLocale, type Locale } from '../http/i18n.js';
import { ACR, satisfies } from '../provider/acr.js';
import { formBody } from '../http/form.js';
import { accountSessions, type AccountSession } from './session.js';
import type { UserView } from '../services/account/users.js';
import { backLinkOf } from '../http/back-link.js';

export interface AccountDeps {
  provider: Provider;
  services: Services;
  render: Renderer;
  issuer: string;
  csrfKey: string;
}

/** Account-page state kept between requests (src/models/stores/misc.ts: accountWizards), by session. */
export const accountKeys = {
  wizard: (s: AccountSession) => `account:${s.sessionId}`,
  // a breached password entered for re-authentication is remembered until changed (S2)
  breach: (s: AccountSession) => `breach:${s.accountId}`,
  // a factor set up here is a second factor proven in this session, for an hour (no second prompt after "Done")
  proof: (s: AccountSession) => `mfa-proof:${s.sessionId}`,
  // newly regenerated recovery codes, downloadable only from the page that showed them
  codes: (s: AccountSession) => `account:${s.sessionId}:codes`,
  // a factor's registration in progress (a passkey's WebAuthn challenge)
  factor: (s: AccountSession, factorId: string) => `account:${s.sessionId}:${factorId}`,
};

export type AccountKit = ReturnType<typeof accountKit>;

/** The kit plus the overview page, for the factors' own account pages (src/account/routes.ts hands it over). */
export interface AccountPages extends AccountKit {
  overview(ctx: Koa.Context, s: AccountSession, notice?: string, error?: string): Promise<void>;
}

export function accountKit(deps: AccountDeps) {
  const { services, render } = deps;
  const sessions = accountSessions(deps.provider, deps.csrfKey);
  // the page's ui_locales, else the language the signed-in user chose (requireSession notes it), else the browser's
  const locale = (ctx: Koa.Context): Locale =>
    pickLocale((ctx.query.ui_locales as string | undefined) ?? (ctx.state as { chosenLocale?: Locale }).chosenLocale, ctx.get('accept-language'));

  // The password again, throttled; a breached one is remembered for a warning until changed (S2: every entry is checked).
  async function reauthenticate(ctx: Koa.Context, s: AccountSession, password: string) {
    const result = await services.reauthenticate(s.accountId, password, ctx.ip);
    if (result !== 'ok') return result;
    const breach = await services.breach.check(password);
    if (breach.status === 'breached') {
      const user = await services.users.byId(s.accountId);
      await services.accountWizards.save({ uid: accountKeys.breach(s), count: breach.count } as never);
      await services.audit.record({ type: 'breach.detected', userId: s.accountId, storeId: user?.storeId, ip: ctx.ip, details: { count: breach.count, at: 'reauthentication' } });
    }
    return result;
  }

  return {
    services,
    render,
    issuer: deps.issuer,
    sessions,
    locale,
    body: formBody,
    reauthenticate,

    // Changing credentials needs the strongest factor the user has: an MFA user signed in with the password alone
    // (a remembered device) is sent back for the code first (checklist 39, 58). `allowed` lets a wizard whose own
    // confirm stage just turned MFA on show its codes in that password-only session.
    async requireSession(ctx: Koa.Context, allowed?: () => Promise<boolean>): Promise<AccountSession | undefined> {
      const session = await sessions.current(ctx);
      const user = session && (await services.users.byId(session.accountId));
      if (!session || !user?.active) {
        ctx.redirect('/account/login');
        return undefined;
      }
      if (user.localeChosen && user.locale) (ctx.state as { chosenLocale?: Locale }).chosenLocale = user.locale;
      // a session proves MFA by its sign-in (acr), or by setting up a factor here (src/account/kit.ts: proof)
      const proven = satisfies(session.acr, ACR.mfa) || Boolean(await services.accountWizards.load(accountKeys.proof(session)));
      if (user.mfaEnabled && !proven && !(await allowed?.())) {
        ctx.redirect('/account/login?mfa=1');
        return undefined;
      }
      return session;
    },

    /** Remembers that this session just proved a second factor by setting one up. */
    proved: (s: AccountSession) => services.accountWizards.save({ uid: accountKeys.proof(s) } as never),

    // the session's account exists (requireSession found it, and accounts are never deleted)
    async accountUser(s: AccountSession): Promise<UserView> {
      const user = await services.users.byId(s.accountId);
      if (!user) throw new Error(`account pages: user ${s.accountId} is missing`);
      return user;
    },

    show(ctx: Koa.Context, s: AccountSession, template: string, view: Record<string, unknown>, error?: string) {
      const loc = locale(ctx);
      ctx.status = error ? 400 : 200;
      ctx.type = 'html';
      // signed in: a way back to the client the visit came from, and no "Trouble signing in?" footer
      ctx.body = render.page(template, { ...view, backLink: backLinkOf(ctx), signedIn: true, csrf: s.csrf, error: error ? render.t(loc, `errors.${error}`) : undefined }, loc);
    },

    // Every change carries the session-bound CSRF token and, when asked, proves the password again (checklist 39, 58).
    async guard(ctx: Koa.Context, s: AccountSession, needPassword: boolean): Promise<string | undefined> {
      const b = formBody(ctx);
      if (!sessions.csrfValid(s, b.csrf)) return 'csrf';
      if (!needPassword) return undefined;
      const result = await reauthenticate(ctx, s, typeof b.password === 'string' ? b.password : '');
      return result === 'ok' ? undefined : result;
    },
  };
}
