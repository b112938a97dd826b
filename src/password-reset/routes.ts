// /password-reset/<store>?token=...: the page of the emailed "Reset your password" link (B14). GET only shows (mail
// scanners follow links); the second factor, when the user has one, comes before the new password (checklist 70);
// the new password follows the rules of a change. The token in every form is the page's CSRF protection: a forged
// post would need the emailed secret itself.
import Router from '@koa/router';
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';
import type { Services } from '../container.js';
import type { DeviceCookie } from '../flow/effects.js';
import { formBody } from '../http/form.js';
import { pickLocale, type Locale } from '../http/i18n.js';
import type { Renderer } from '../http/page.js';
import { RESET_LINK_MINUTES, type LinkProblem, type OpenLink } from '../services/password-reset/index.js';
import { factorCheck, verifyFactor, type FactorCheck } from './second-factor.js';
import { switchLabelOf } from '../../factors/factor.js';

export interface PasswordResetDeps {
  provider: Provider;
  services: Services;
  render: Renderer;
  deviceCookie: DeviceCookie;
  knownCookie: DeviceCookie;
}

type PageError = { code: string; vars?: Record<string, string | number> };

export function passwordResetRouter(deps: PasswordResetDeps): Router {
  const { services, render } = deps;
  const router = new Router({ prefix: '/password-reset' });
  const cookies = { device: deps.deviceCookie, known: deps.knownCookie };

  const localeOf = (ctx: Koa.Context): Locale => {
    const asked = formBody(ctx).ui_locales ?? ctx.query.ui_locales;
    return pickLocale(typeof asked === 'string' ? asked : undefined, ctx.get('accept-language'));
  };

  function page(ctx: Koa.Context, locale: Locale, view: Record<string, unknown>, error?: PageError) {
    ctx.status = error || view.stage === 'problem' ? 400 : 200;
    ctx.type = 'html';
    ctx.body = render.page('password-reset', { minutes: RESET_LINK_MINUTES, ...view, error: error ? render.t(locale, `errors.${error.code}`, error.vars) : undefined }, locale);
  }

  const problem = (ctx: Koa.Context, locale: Locale, reason: LinkProblem) => page(ctx, locale, { stage: 'problem', reason });

  const common = (link: OpenLink, token: string, locale: Locale) => ({
    token,
    ui_locales: locale,
    storeName: link.store.name,
    username: link.user.username,
    base: `/password-reset/${encodeURIComponent(link.store.prefix)}`,
  });

  async function factorPage(ctx: Koa.Context, link: OpenLink, token: string, locale: Locale, check: FactorCheck & { factor: NonNullable<FactorCheck['factor']> }, error?: PageError) {
    const shown = await check.factor.verify.render(check.state, check.facts, services);
    const base = common(link, token, locale);
    const switchTo = (id: string) => `${base.base}?${new URLSearchParams({ token, factor: id, ui_locales: locale })}`;
    page(
      ctx,
      locale,
      { ...shown.view, ...base, stage: 'factor', factorId: check.factor.id, alternatives: check.others.map((f) => ({ url: switchTo(f.id), label: switchLabelOf(f, check.factor) })) },
      error,
    );
  }

  const newPasswordPage = (ctx: Koa.Context, link: OpenLink, token: string, locale: Locale, proof: string | undefined, error?: PageError) =>
    page(ctx, locale, { ...common(link, token, locale), stage: 'new', proof }, error);

  async function open(ctx: Koa.Context, token: unknown) {
    const locale = localeOf(ctx);
    const opened = await services.passwordReset.open(token, ctx.params.store ?? '');
    if (!opened.ok) {
      problem(ctx, locale, opened.problem);
      return undefined;
    }
    return { link: opened.link, token: String(token), locale };
  }

  router.get('/:store', async (ctx) => {
    const found = await open(ctx, ctx.query.token);
    if (!found) return;
    const check = await factorCheck(ctx, services, cookies, found.link, found.locale, ctx.query.factor);
    if (check.factor) return factorPage(ctx, found.link, found.token, found.locale, { ...check, factor: check.factor });
    newPasswordPage(ctx, found.link, found.token, found.locale, undefined);
  });

  router.post('/:store/factor', async (ctx) => {
    const body = formBody(ctx);
    const found = await open(ctx, body.token);
    if (!found) return;
    const check = await factorCheck(ctx, services, cookies, found.link, found.locale, body.factor);
    // no factor (any more): straight to the new password, which needs none
    if (!check.factor) return newPasswordPage(ctx, found.link, found.token, found.locale, undefined);
    const withFactor = { ...check, factor: check.factor };
    const verified = await verifyFactor(ctx, services, deps.deviceCookie, withFactor, body);
    if (!verified.ok) return factorPage(ctx, found.link, found.token, found.locale, withFactor, { code: verified.error, vars: verified.vars });
    newPasswordPage(ctx, found.link, found.token, found.locale, services.resetLinks.proof(found.link.nonce, check.factor.id));
  });

  router.post('/:store/password', async (ctx) => {
    const body = formBody(ctx);
    const found = await open(ctx, body.token);
    if (!found) return;
    const { link, token, locale } = found;
    const proven = link.user.mfaEnabled ? services.resetLinks.proven(body.proof, link.nonce) : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v.length <= 1024 ? v : '');
    const done = await services.passwordReset.complete(link, { password: str(body.new_password), confirm: str(body.confirm_password), proven, ip: ctx.ip });
    if (!done.ok && 'link' in done) return problem(ctx, locale, done.link);
    if (!done.ok && done.error === 'second_factor_required') {
      const check = await factorCheck(ctx, services, cookies, link, locale, undefined);
      if (check.factor) return factorPage(ctx, link, token, locale, { ...check, factor: check.factor }, { code: done.error });
    }
    if (!done.ok) return newPasswordPage(ctx, link, token, locale, proven ? String(body.proof) : undefined, { code: done.error });
    // the sign-in the link was asked from, if it still exists, continues at its password page (in its own browser)
    const alive = link.interactionUid ? await deps.provider.Interaction.find(link.interactionUid).catch(() => undefined) : undefined;
    page(ctx, locale, { stage: 'done', continueUrl: alive ? `/interaction/${link.interactionUid}/back-to-sign-in` : undefined });
  });

  return router;
}
