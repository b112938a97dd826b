// Page rendering: an isolated Handlebars instance, layouts/main.hbs around pages/<template>.hbs, helpers t/asset/eq.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { createAssets } from './assets.js';
import { hasKey, isLocale, translate, type Locale } from './i18n.js';

export interface Renderer {
  /** Full HTML document for templates/pages/<template>.hbs inside the main layout. */
  page(template: string, view: Record<string, unknown>, locale: Locale): string;
}

export interface RendererOptions {
  /** Project root (holds templates/ and public/). */
  root: string;
  /** Default product name; a view's own `productName` wins. */
  productName: string;
  /** Asset URLs; defaults to createAssets(root). Pass the app's instance to read public/ once. */
  assets?: { url(name: string): string };
  /** Called when a {{t}} key is missing in the page's locale (the text falls back to English / the key). */
  onMissingKey?: (key: string, locale: Locale) => void;
}

const TEMPLATE_NAME = /^[a-z0-9]+(?:[-/][a-z0-9]+)*$/;

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

export function createRenderer(opts: RendererOptions): Renderer {
  const hbs = Handlebars.create();
  const templatesDir = path.join(opts.root, 'templates');
  const assets = opts.assets ?? createAssets(opts.root);
  const compile = (file: string): Template => hbs.compile(readFileSync(file, 'utf8'), { strict: false });

  const localeOf = (options: Handlebars.HelperOptions): Locale => {
    const locale: unknown = options.data?.root?.locale;
    return isLocale(locale) ? locale : 'en';
  };

  // {{t "key" name=value}}: translated, HTML-escaped by Handlebars like any other value.
  hbs.registerHelper('t', (key: unknown, options: Handlebars.HelperOptions) => {
    if (typeof key !== 'string') throw new Error('{{t}} needs a string key');
    const locale = localeOf(options);
    if (!hasKey(locale, key)) opts.onMissingKey?.(key, locale);
    const vars: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(options.hash ?? {})) {
      if (typeof value === 'number' || typeof value === 'string') vars[name] = value;
      else if (value !== undefined && value !== null) vars[name] = String(value);
    }
    return translate(locale, key, vars);
  });
  hbs.registerHelper('asset', (name: unknown) => {
    if (typeof name !== 'string') throw new Error('{{asset}} needs a file name');
    return assets.url(name);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // a locale key from parts: {{t (localeKey "account.codes.intro" factorsWords)}} picks the sentence that fits the user
  hbs.registerHelper('localeKey', (...args: unknown[]) => args.slice(0, -1).map(String).join('.'));

  const partialsDir = path.join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(partialsDir, file), 'utf8'));
  }

  const layout = compile(path.join(templatesDir, 'layouts', 'main.hbs'));
  const pages = new Map<string, Template>();
  const pageTemplate = (name: string): Template => {
    let template = pages.get(name);
    if (!template) {
      if (!TEMPLATE_NAME.test(name)) throw new Error(`Invalid template name: ${name}`);
      template = compile(path.join(templatesDir, 'pages', `${name}.hbs`));
      pages.set(name, template);
    }
    return template;
  };

  // <title>: the view's `title`, else "<template>.<stage>.title" or "<template>.title" from the locale.
  const titleFor = (name: string, view: Record<string, unknown>, locale: Locale): string | undefined => {
    if (typeof view.title === 'string' && view.title) return view.title;
    const keys = typeof view.stage === 'string' ? [`${name}.${view.stage}.title`, `${name}.title`] : [`${name}.title`];
    const key = keys.find((k) => hasKey(locale, k) || hasKey('en', k));
    return key ? translate(locale, key) : undefined;
  };

  return {
    page(template, view, locale) {
      const context: Record<string, unknown> = {
        ...view,
        locale,
        productName: typeof view.productName === 'string' && view.productName ? view.productName : opts.productName,
      };
      const body = pageTemplate(template)(context);
      return layout({
        ...context,
        pageTitle: titleFor(template, view, locale),
        template,
        body: new hbs.SafeString(body),
      });
    },
  };
}
