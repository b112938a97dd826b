// Security & ID: the second proof the binding rule asks for before a factor is bound (src/services/binding; B17): a
// temporary access pass typed in, or a link emailed to a usable address and opened in this browser. The proof is
// kept for this session's next binding, which the factor's own pages then make.
import Router from '@koa/router';
import type Koa from 'koa';
import type { AccountPages } from './kit.js';
import type { AccountSession } from './session.js';

/** `nextPaths`: the factors' pages a proof leads back to (their set-up pages); anything else goes to the overview. */
export function accountBindingRoutes(kit: AccountPages, nextPaths: readonly string[]): Router {
  const { services } = kit;
  const router = new Router({ prefix: '/binding' });
  const nextOf = (value: unknown) => (typeof value === 'string' && nextPaths.includes(value) ? value : '/account');
  const proved = async (ctx: Koa.Context, s: AccountSession, kind: 'pass' | 'email', next: string) => {
    await kit.state.update(s, { proof: { kind, at: services.clock().getTime() } });
    ctx.status = 303;
    ctx.redirect(next);
  };

  router.post('/proof', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const b = kit.body(ctx);
    const next = nextOf(b.next);
    const err = await kit.guard(ctx, s, false);
    if (err) return kit.proofPage(ctx, s, next, err);
    const need = await kit.bindingNeeds(s, false);
    // nothing to prove (any more): on to the binding
    if (need.kind !== 'proof') return ctx.redirect(next);
    const user = await kit.accountUser(s);
    if (b.action === 'email') {
      if (!need.options.includes('email')) return kit.proofPage(ctx, s, next, 'invalid_input');
      const { pass, expiresAt } = await services.binding.newLink(user, ctx.ip);
      const url = `${kit.issuer}/account/binding/link?${new URLSearchParams({ pass, next })}`;
      await services.notify({ type: 'enrolment_link', userId: user.id, details: { url, expiresAt: expiresAt.toISOString() } });
      return kit.proofPage(ctx, s, next, undefined, 'link');
    }
    if (b.action === 'verify') {
      // first the address: its verification link (once verified, and settled, a link can come instead of a pass)
      const sent = await services.email.requestVerification(user.id, { actorId: user.id, ip: ctx.ip });
      if (sent.kind === 'wait') return kit.proofPage(ctx, s, next, 'verify_wait');
      return kit.proofPage(ctx, s, next, sent.kind === 'no_address' ? 'invalid_input' : undefined, sent.kind === 'sent' ? 'verify' : undefined);
    }
    const outcome = await services.binding.redeemPass({ storeId: user.storeId, username: user.username, user }, user, typeof b.pass === 'string' ? b.pass : '', ctx.ip);
    if (outcome.kind !== 'ok') return kit.proofPage(ctx, s, next, outcome.kind === 'wait' ? 'too_many' : outcome.kind === 'closed' ? 'signin_closed' : 'pass_invalid');
    await proved(ctx, s, 'pass', next);
  });

  // the emailed link, opened in a browser signed in to these pages
  router.get('/link', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const next = nextOf(ctx.query.next);
    const user = await kit.accountUser(s);
    if (!(await services.binding.redeemLink(user, typeof ctx.query.pass === 'string' ? ctx.query.pass : ''))) return kit.proofPage(ctx, s, next, 'link_invalid');
    await proved(ctx, s, 'email', next);
  });

  return router;
}
