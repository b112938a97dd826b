// Email rendering: an isolated Handlebars instance, templates/emails/<name>.{subject,text,html}.hbs inside layouts/, helper t.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { isLocale, translate, type Locale } from '../http/i18n.js';
import type { NotificationType } from '../services/notifications/index.js';

export const EMAIL_TEMPLATES = [
  'mfa-enabled',
  'mfa-reset',
  'mfa-removed',
  'recovery-code-used',
  'recovery-codes-regenerated',
  'password-changed',
  'email-changed',
  'account-locked',
  'account-unlocked',
  'access-pass-created',
  'enrolment-link',
  'email-verification',
  'second-factor-failed',
  'passkey-added',
  'passkey-removed',
  'password-reset-link',
  'rollout-reminder',
  'rollout-summary',
  'pin-changed',
  'register-trusted',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export const templateFor = (type: NotificationType): EmailTemplate => type.replace(/_/g, '-') as EmailTemplate;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailRenderer {
  render(template: EmailTemplate, view: Record<string, unknown>, locale: Locale): RenderedEmail;
}

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;
const PARTS = ['subject', 'text', 'html'] as const;

export function createEmailRenderer(opts: { root: string }): EmailRenderer {
  const hbs = Handlebars.create();
  const dir = path.join(opts.root, 'templates', 'emails');
  // subject and text are plain text: no HTML escaping there; html escapes every value, translations included
  const compile = (file: string, part: (typeof PARTS)[number]): Template =>
    hbs.compile(readFileSync(path.join(dir, file), 'utf8'), { strict: false, noEscape: part !== 'html' });

  hbs.registerHelper('t', (key: unknown, options: Handlebars.HelperOptions) => {
    if (typeof key !== 'string') throw new Error('{{t}} needs a string key');
    const locale: unknown = options.data?.root?.locale;
    const vars: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(options.hash ?? {})) {
      if (typeof value === 'number' || typeof value === 'string') vars[name] = value;
      else if (value !== undefined && value !== null) vars[name] = String(value);
    }
    return translate(isLocale(locale) ? locale : 'en', key, vars);
  });

  hbs.registerHelper('eq', (x: unknown, y: unknown) => x === y);
  // a locale key from parts: {{t (localeKey "account.codes.intro" factorsWords)}} picks the sentence that fits the user
  hbs.registerHelper('localeKey', (...args: unknown[]) => args.slice(0, -1).map(String).join('.'));

  // every template is read once at start-up, so a missing file fails the boot rather than a request
  const layouts = Object.fromEntries(PARTS.map((p) => [p, compile(path.join('layouts', `${p}.hbs`), p)])) as Record<(typeof PARTS)[number], Template>;
  const templates = new Map<string, Template>();
  for (const name of EMAIL_TEMPLATES) for (const p of PARTS) templates.set(`${name}.${p}`, compile(`${name}.${p}.hbs`, p));

  const part = (name: EmailTemplate, p: (typeof PARTS)[number], context: Record<string, unknown>) => {
    const template = templates.get(`${name}.${p}`);
    if (!template) throw new Error(`Unknown email template: ${name}.${p}`);
    const body = template(context);
    return layouts[p]({ ...context, body: p === 'html' ? new hbs.SafeString(body) : body });
  };

  return {
    render(name, view, locale) {
      if (!templates.has(`${name}.subject`)) throw new Error(`Unknown email template: ${name}`);
      const context = { ...view, locale };
      return {
        // one line, whatever the template or a value contains (no header injection, no folded subjects)
        subject: part(name, 'subject', context).replace(/\s+/g, ' ').trim(),
        text: tidyText(part(name, 'text', context)),
        html: part(name, 'html', context),
      };
    },
  };
}

// Templates stay readable with blank lines around blocks; the email gets at most one empty line in a row.
function tidyText(text: string): string {
  return `${text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
