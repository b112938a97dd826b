// /account/unlock?token=...: the "Unlock sign-in" button of the lock-out email (B18). The link shows a confirmation,
// and only its POST unlocks (mail scanners follow links); a link works once, for its own lock.
import Router from '@koa/router';
import type Koa from 'koa';
import type { Renderer } from '../http/page.js';
import { formBody } from '../http/form.js';
import { pickLocale } from '../http/i18n.js';
import type { UserDirectory } from '../services/account/users.js';
import type { ThrottleGuard } from '../services/throttle/guard.js';
import type { UnlockLinks } from './unlock-link.js';

export interface UnlockDeps {
  services: { users: UserDirectory; throttle: ThrottleGuard };
  links: UnlockLinks;
  render: Renderer;
}

type Stage = 'confirm' | 'unlocked' | 'invalid' | 'expired' | 'used';

export function unlockRouter(deps: UnlockDeps): Router {
  const router = new Router();

  async function check(token: unknown): Promise<{ stage: Stage; userId?: string; generation?: number; storeId?: string }> {
    const checked = deps.links.verify(token);
    if (!checked.ok) return { stage: checked.reason };
    const user = await deps.services.users.byId(checked.claims.u);
    if (!user) return { stage: 'invalid' };
    if (user.throttle.generation !== checked.claims.g || !user.throttle.closedAt) return { stage: 'used' };
    return { stage: 'confirm', userId: user.id, generation: checked.claims.g, storeId: user.storeId };
  }

  const page = (ctx: Koa.Context, stage: Stage, token?: string) => {
    ctx.status = stage === 'confirm' || stage === 'unlocked' ? 200 : 400;
    ctx.type = 'html';
    ctx.body = deps.render.page('unlock', { stage, token }, pickLocale(ctx.query.ui_locales as string | undefined, ctx.get('accept-language')));
  };

  router.get('/account/unlock', async (ctx) => {
    const { stage } = await check(ctx.query.token);
    page(ctx, stage, stage === 'confirm' ? String(ctx.query.token) : undefined);
  });

  router.post('/account/unlock', async (ctx) => {
    const { token } = formBody(ctx);
    const found = await check(token);
    if (found.stage !== 'confirm' || !found.userId || found.generation === undefined || !found.storeId) return page(ctx, found.stage);
    const unlocked = await deps.services.throttle.unlock(found.userId, found.generation, { actorId: found.userId, storeId: found.storeId, ip: ctx.ip, via: 'link' });
    page(ctx, unlocked ? 'unlocked' : 'used');
  });

  return router;
}
