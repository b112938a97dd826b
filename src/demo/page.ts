// The demo POS's page shell: a small register screen with a header bar (it stands in for a retailer's app).
import type { Locale } from '../http/i18n.js';
import type { DemoText } from './words.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;background:#e9edf3;color:#1c2430}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;background:#17202e;color:#fff;
padding:.7rem 1.2rem}.bar strong{font-size:1.1rem}.bar .till{color:#b8c3d6;margin-left:.6rem}
.bar nav a{color:#b8c3d6;margin-right:.8rem;text-decoration:none}.bar nav a[aria-current]{color:#fff;font-weight:600}
main{max-width:56rem;margin:1.5rem auto;padding:0 1rem;display:grid;gap:1rem}
.panel{background:#fff;border-radius:.8rem;padding:1.2rem 1.4rem;box-shadow:0 1px 3px rgba(20,30,50,.12)}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.05rem;margin:0 0 .6rem;color:#3b4658}
.who{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:baseline}.who .name{font-size:1.6rem;font-weight:700}
.who .role{background:#e3ebff;color:#1f4ad1;border-radius:1rem;padding:.1rem .7rem;font-weight:600}
.muted{color:#5b6472}.keys{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.7rem}
.button{display:flex;align-items:center;justify-content:center;min-height:3.4rem;background:#1f5eff;color:#fff;
padding:.6rem 1rem;border-radius:.6rem;text-decoration:none;font-weight:600;text-align:center;border:0;font:inherit;
font-weight:600;cursor:pointer}.button.secondary{background:#e8ecf4;color:#1c2430}.button.danger{background:#fbe9e9;color:#a11d1d}
.basket{display:flex;flex-wrap:wrap;gap:0 1.5rem;justify-content:space-between;align-items:baseline}.basket p{margin:.3rem 0}.basket .total{font-size:1.8rem;font-weight:700}
.notice{background:#fff6dc;border-left:4px solid #e0a800;padding:.6rem .9rem;border-radius:.4rem}
details summary{cursor:pointer;color:#3b4658;font-weight:600}dl{display:grid;grid-template-columns:9rem 1fr;gap:.4rem 1rem}
dt{color:#5b6472}dd{margin:0;word-break:break-all;font-family:ui-monospace,monospace;font-size:.9rem}
@media (max-width:480px){.bar{padding:.6rem .8rem}main{margin:.8rem auto;padding:0 .6rem}.keys{grid-template-columns:repeat(2,minmax(0,1fr))}.button{padding:.5rem .6rem;font-size:.9rem;overflow-wrap:anywhere}
dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
.kitchen-code{font-family:ui-monospace,monospace;font-size:2.6rem;font-weight:700;letter-spacing:.12em;margin:.4rem 0}
.kitchen-qr svg{width:11rem;height:11rem}
.dev-mail{max-width:56rem;margin:0 auto 1.5rem;padding:0 1rem;color:#5b6472;font-size:.9rem}.dev-mail a{color:#1f4ad1}`;

const devMailNote = (t: DemoText, url: string | undefined) =>
  url ? `<footer class="dev-mail"><p>${escapeHtml(t('demo.dev_mail'))} <a id="dev-mail" href="${escapeHtml(url)}">${escapeHtml(t('demo.dev_mail_link'))}</a></p></footer>` : '';

/** One register screen: header bar (store, till, language switch) and the page's panels. */
/** devMail: in development without SMTP_URL, the provider's /dev/mail, where the emails of these sign-ins land. */
export function page(t: DemoText, locale: Locale, opts: { store?: string; till?: string; title?: string; refreshSeconds?: number; devMail?: string }, body: string): string {
  const title = opts.title ?? t('demo.title');
  const switchTo = (l: Locale, label: string) =>
    `<a href="/?lang=${l}" lang="${l}" hreflang="${l}"${l === locale ? ' aria-current="true"' : ''}>${label}</a>`;
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<header class="bar"><div><strong>${escapeHtml(opts.store || t('demo.title'))}</strong><span class="till" id="till">${escapeHtml(opts.till || t('demo.register'))}</span></div>` +
    `<nav aria-label="${escapeHtml(t('demo.language'))}">${switchTo('en', 'English')}${switchTo('nl', 'Nederlands')}</nav></header>` +
    `<main>${body}</main>${devMailNote(t, opts.devMail)}</body></html>`
  );
}
