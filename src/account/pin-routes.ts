// Security & ID: the personal PIN for quick switching on a trusted register (B19): set, change, remove; each needs
// the password again, is audited and emailed.
import Router from '@koa/router';
import { pinProblem } from '../services/quick-switch/pin.js';
import type { AccountPages } from './kit.js';

const field = (v: unknown) => (typeof v === 'string' ? v : '');

export function accountPinRoutes(pages: AccountPages): Router {
  const router = new Router();
  const actorOf = async (s: Parameters<AccountPages['accountUser']>[0], ip: string, userAgent: string) => {
    const user = await pages.accountUser(s);
    return { id: user.id, storeId: user.storeId, ip, userAgent };
  };

  router.post('/pin', async (ctx) => {
    const s = await pages.requireSession(ctx);
    if (!s) return;
    const b = pages.body(ctx);
    const pin = field(b.pin);
    const repeat = field(b.pin_repeat);
    // the PIN's own rules first: a refused PIN costs no password check
    if (!pages.sessions.csrfValid(s, b.csrf)) return pages.overview(ctx, s, undefined, 'csrf');
    const problem = pinProblem(pin, repeat);
    if (problem) return pages.overview(ctx, s, undefined, problem);
    const err = await pages.guard(ctx, s, true);
    if (err) return pages.overview(ctx, s, undefined, err);
    const had = await pages.services.quickSwitch.hasPin(s.accountId);
    const result = await pages.services.quickSwitch.setPin(await actorOf(s, ctx.ip, ctx.get('user-agent')), pin, repeat);
    if (!result.ok) return pages.overview(ctx, s, undefined, result.error);
    ctx.status = 303;
    ctx.redirect(`/account?done=${had ? 'pin_changed' : 'pin_set'}`);
  });

  router.post('/pin/remove', async (ctx) => {
    const s = await pages.requireSession(ctx);
    if (!s) return;
    const err = await pages.guard(ctx, s, true);
    if (err) return pages.overview(ctx, s, undefined, err);
    await pages.services.quickSwitch.removePin(await actorOf(s, ctx.ip, ctx.get('user-agent')));
    ctx.status = 303;
    ctx.redirect('/account?done=pin_removed');
  });
  return router;
}
