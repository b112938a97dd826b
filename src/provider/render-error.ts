// oidc-provider's error output: a translated page for the routes a browser navigates to, the library's JSON for every
// other route whatever the Accept header says (RFC 6749 §5.2; RFC 6750 §3: userinfo keeps its WWW-Authenticate).
import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import type { Renderer } from '../http/page.js';
import type { Locale } from '../http/i18n.js';

// oidc-provider's route names whose callers are people at a browser; everything else answers machines
const BROWSER_ROUTES = new Set(['authorization', 'resume', 'end_session', 'end_session_confirm', 'end_session_success', 'code_verification', 'device_resume']);

export const answersBrowser = (ctx: KoaContextWithOIDC): boolean => BROWSER_ROUTES.has(ctx.oidc?.route ?? '');

// what the person was doing: signing out, approving a device, or (every other browser route) signing in
const MESSAGE_BY_ROUTE: Record<string, string> = {
  end_session: 'errors.logout_invalid',
  end_session_confirm: 'errors.logout_invalid',
  end_session_success: 'errors.logout_invalid',
};

export function renderProviderError(render: Pick<Renderer, 'page' | 't'>, localeOf: (ctx: KoaContextWithOIDC) => Locale) {
  // the library calls this only when the caller prefers HTML (or the error cannot go back to a redirect URI)
  return async (ctx: KoaContextWithOIDC, out: ErrorOut) => {
    ctx.set('Cache-Control', 'no-store');
    if (!answersBrowser(ctx)) {
      ctx.body = out;
      return;
    }
    const locale = localeOf(ctx);
    ctx.type = 'html';
    ctx.body = render.page(
      'error',
      // the library's own description is English and technical: shown small, under a translated message (B8)
      { title: render.t(locale, 'errors.title'), message: render.t(locale, MESSAGE_BY_ROUTE[ctx.oidc.route] ?? 'errors.request_invalid'), detail: `${out.error}: ${out.error_description ?? ''}` },
      locale,
    );
  };
}
