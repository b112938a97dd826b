// GET /dev/mail (development only; createApp mounts it only with the catcher and never in production): the emails the
// in-process catcher kept, newest first, with their text, their links and their HTML in a sandboxed frame.
import Router from '@koa/router';
import type { Renderer } from '../http/page.js';
import { pickLocale, type Locale } from '../http/i18n.js';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import type { CapturedMail, MailCatcher } from './dev-catcher.js';

// The emails' HTML is our own templates, styled inline; a srcdoc frame inherits this page's policy, so inline styles
// are allowed here, and only here. Scripts stay off: the frame's sandbox has no allow-scripts either.
const DEV_MAIL_CSP = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("base-uri 'none'", "base-uri 'self'");

// links open in a new tab, outside the sandbox: the provider's pages refuse to be framed
const inFrame = (html: string) => `<base target="_blank">${html}`;

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

function viewOf(mail: CapturedMail, locale: Locale) {
  return {
    id: mail.id,
    to: mail.to,
    subject: mail.subject,
    at: mail.at.toISOString(),
    when: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(mail.at),
    text: mail.text,
    links: [...new Set(mail.text.match(LINK) ?? [])],
    srcdoc: inFrame(mail.html),
    source: mail.source,
  };
}

export function devMailRouter(deps: { catcher: MailCatcher; render: Renderer }): Router {
  const router = new Router();
  router.get('/dev/mail', (ctx) => {
    const locale = pickLocale(ctx.query.ui_locales as string | undefined, ctx.get('accept-language'));
    const mails = deps.catcher.list().map((m) => viewOf(m, locale));
    ctx.set('Content-Security-Policy', DEV_MAIL_CSP);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = deps.render.page('dev-mail', { mails, count: mails.length, devMailUrl: undefined }, locale);
  });
  return router;
}
