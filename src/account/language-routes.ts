// Security & ID: the language the user's emails (and these pages) are written in (B22).
import Router from '@koa/router';
import { languageChoice } from '../http/language-choice.js';
import type { AccountPages } from './kit.js';

export function accountLanguageRoutes(pages: AccountPages): Router {
  const router = new Router();
  router.post('/language', async (ctx) => {
    const s = await pages.requireSession(ctx);
    if (!s) return;
    const err = await pages.guard(ctx, s, false);
    if (err) return pages.overview(ctx, s, undefined, err);
    const choice = languageChoice.safeParse(pages.body(ctx).locale);
    if (!choice.success) return pages.overview(ctx, s, undefined, 'language_invalid');
    const user = await pages.accountUser(s);
    await pages.services.languages.choose(user, choice.data, { actorId: user.id, ip: ctx.ip });
    ctx.status = 303;
    // the page after a choice speaks it; "automatic" goes back to the browser's language
    ctx.redirect(`/account?done=language${choice.data ? `&ui_locales=${choice.data}` : ''}`);
  });
  return router;
}
