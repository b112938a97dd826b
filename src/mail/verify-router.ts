// GET /account/verify-email?token=...: the "Verify email address" button of the MFA email (S6); marks the address verified, nothing else.
import Router from '@koa/router';
import type Koa from 'koa';
import { isValidObjectId } from 'mongoose';
import type { Models } from '../models/index.js';
import type { Renderer } from '../http/page.js';
import { pickLocale } from '../http/i18n.js';
import type { UserDirectory } from '../services/account/users.js';
import type { AuditRecorder } from '../services/audit/index.js';
import { createVerifyLinks, type VerifyLinks } from './verify-link.js';

export interface VerifyEmailDeps {
  services: { users: UserDirectory; audit: AuditRecorder; clock: () => Date };
  models: Models;
  render: Renderer;
  cookieKeys: string[];
  links?: VerifyLinks;
}

type Outcome = 'verified' | 'expired' | 'invalid';

// A verified address is a notification channel only: following the link never signs anyone in (checklist 70).
export function verifyEmailRouter(deps: VerifyEmailDeps): Router {
  const { services, models } = deps;
  const links = deps.links ?? createVerifyLinks({ cookieKeys: deps.cookieKeys, clock: services.clock });
  const router = new Router();

  async function verify(ctx: Koa.Context, token: unknown): Promise<Outcome> {
    const checked = links.verify(typeof token === 'string' ? token : '');
    if (!checked.ok) return checked.reason;
    const user = isValidObjectId(checked.userId) ? await services.users.byId(checked.userId) : undefined;
    // the link is for one address: after an email change it verifies nothing
    if (!user?.email || links.emailHash(user.email) !== checked.emailHash) return 'invalid';
    if (user.emailVerified) return 'verified';
    const res = await models.User.updateOne({ _id: user.id, email: user.email }, { $set: { emailVerified: true } });
    if (res.modifiedCount !== 1) return (await services.users.byId(user.id))?.emailVerified ? 'verified' : 'invalid';
    await services.audit.record({ type: 'email.verified', userId: user.id, storeId: user.storeId, actorId: user.id, ip: ctx.ip, userAgent: ctx.get('user-agent') });
    return 'verified';
  }

  router.get('/account/verify-email', async (ctx) => {
    const outcome = await verify(ctx, ctx.query.token);
    const locale = pickLocale(ctx.query.ui_locales as string | undefined, ctx.get('accept-language'));
    ctx.status = outcome === 'verified' ? 200 : 400;
    ctx.type = 'html';
    ctx.body = deps.render.page('verify-email', { stage: outcome }, locale);
  });

  return router;
}
