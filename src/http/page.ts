// What the flow, provider and account pages need to produce text: full pages, single strings, the codes download.
import { createRenderer } from './render.js';
import { translate, type Locale } from './i18n.js';
import type { Assets } from './assets.js';

export interface Renderer {
  page(template: string, view: Record<string, unknown>, locale: Locale): string;
  t(locale: Locale, key: string, vars?: Record<string, string | number>): string;
  recoveryCodesText(locale: Locale, codes: string[], account: string): string;
}

/** devMailUrl: in development without SMTP_URL, where the caught emails are shown (every page points there). */
export function createPageRenderer(opts: { root: string; productName: string; assets: Assets; devMailUrl?: string }): Renderer {
  const renderer = createRenderer({ root: opts.root, productName: opts.productName, assets: opts.assets });
  return {
    page: (template, view, locale) => renderer.page(template, { productName: opts.productName, devMailUrl: opts.devMailUrl, ...view }, locale),
    t: (locale, key, vars) => translate(locale, key, vars),
    recoveryCodesText(locale, codes, account) {
      const head = translate(locale, 'enrol.codes_file_header', { product: opts.productName, account });
      return `${head}\r\n\r\n${codes.join('\r\n')}\r\n`;
    },
  };
}
