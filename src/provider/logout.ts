// RP-initiated logout (B26): the question "Do you want to sign out of <app>?", unless the request carries a valid
// id_token_hint of this very session for a client signed in with it: then the session ends at once, so a register
// whose cashier walked away from the question never signs them back in without a password.
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Locale } from '../http/i18n.js';
import type { Renderer } from '../http/page.js';

type RpInitiatedLogout = NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>;

interface HintPayload {
  sub?: string;
  sid?: string;
  auth_time?: number;
}

/**
 * The library has checked the hint's signature and audience (expired hints count, OIDC RP-Initiated Logout §2). It
 * names this session when its user is the session's, its client signed in with this session, and it was issued in
 * this session: the same sid, or (a client that gets no sid) the same sign-in time.
 */
export function hintNamesThisSession(ctx: KoaContextWithOIDC): boolean {
  const hint = (ctx.oidc.entities.IdTokenHint as { payload?: HintPayload } | undefined)?.payload;
  const { session, client } = ctx.oidc;
  if (!hint || !session?.accountId || !client || hint.sub !== session.accountId) return false;
  if (!session.authorizations?.[client.clientId]) return false;
  if (hint.sid !== undefined) return hint.sid === session.sidFor(client.clientId);
  return hint.auth_time !== undefined && hint.auth_time === session.authTime();
}

export function rpInitiatedLogout(render: Pick<Renderer, 'page'>, localeOf: (ctx: KoaContextWithOIDC) => Locale): RpInitiatedLogout {
  const show = (ctx: KoaContextWithOIDC, template: string, view: Record<string, unknown>) => {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = render.page(template, view, localeOf(ctx));
  };
  return {
    enabled: true,
    async logoutSource(ctx, form) {
      const clientName = ctx.oidc.client?.clientName ?? '';
      if (!hintNamesThisSession(ctx)) return show(ctx, 'logout', { form, clientName });
      // the confirmation the question's "Yes" would send, sent by the page itself (public/app.js; a button without JS)
      const xsrf = (ctx.oidc.session?.state as { secret?: string } | undefined)?.secret;
      show(ctx, 'logout-now', { action: ctx.oidc.urlFor('end_session_confirm'), xsrf, clientName });
    },
    async postLogoutSuccessSource(ctx) {
      show(ctx, 'logout-done', {});
    },
  };
}
