// The admin console's language settings (B22): a user's email language, and the store's default for users without one.
import type Router from '@koa/router';
import type Koa from 'koa';
import { languageChoice } from '../http/language-choice.js';
import { adminOf, errorKey, statusOf, type AdminKit } from './kit.js';

export function registerLanguagePages(router: Router, kit: AdminKit): void {
  const { admin, body } = kit;
  const authed = kit.authenticate('page');
  const seeOther = (ctx: Koa.Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };
  const refused = (ctx: Koa.Context, error: string, backUrl: string) =>
    kit.show(ctx, 'error', backUrl === '/admin/policy' ? 'policy' : 'users', { title: adminOf(ctx).t('admin.errors.title'), message: adminOf(ctx).t(errorKey(error)), backUrl }, statusOf(error));

  router.post('/users/:id/language', authed, async (ctx) => {
    const back = `/admin/users/${encodeURIComponent(ctx.params.id)}`;
    const choice = languageChoice.safeParse(body(ctx).locale);
    if (!choice.success) return refused(ctx, 'invalid_language', back);
    const outcome = await admin.users.setLanguage(adminOf(ctx).actor, ctx.params.id, choice.data);
    if (!outcome.ok) return refused(ctx, outcome.error, '/admin/users');
    seeOther(ctx, `${back}?done=language`);
  });

  router.post('/policy/language', authed, async (ctx) => {
    const choice = languageChoice.safeParse(body(ctx).locale);
    if (!choice.success) return refused(ctx, 'invalid_language', '/admin/policy');
    const outcome = await admin.policy.setLanguage(adminOf(ctx).actor, choice.data);
    if (!outcome.ok) return refused(ctx, outcome.error, '/admin/policy');
    seeOther(ctx, '/admin/policy?done=language');
  });
}
