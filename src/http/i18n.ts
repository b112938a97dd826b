// Translations (locales/en.json, locales/nl.json) and locale negotiation from ui_locales / Accept-Language (B8).
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Negotiator from 'negotiator';

import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../services/locale.js';

export { DEFAULT_LOCALE, isLocale, LOCALES, type Locale };

type Vars = Record<string, string | number>;
// A leaf is a plain string, or plural forms keyed by Intl.PluralRules categories ("one", "other", ...).
type Entry = string | Partial<Record<Intl.LDMLPluralRule, string>>;

const PLURAL_CATEGORIES = new Set<string>(['zero', 'one', 'two', 'few', 'many', 'other']);

function isPluralForms(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    'other' in value &&
    entries.every(([k, v]) => PLURAL_CATEGORIES.has(k) && typeof v === 'string')
  );
}

function flatten(node: unknown, prefix: string, out: Map<string, Entry>, file: string): Map<string, Entry> {
  if (typeof node === 'string' || isPluralForms(node)) {
    out.set(prefix, node);
    return out;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new Error(`${file}: "${prefix}" must be a string, plural forms or an object`);
  }
  for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out, file);
  return out;
}

const numberFormats: Record<Locale, Intl.NumberFormat> = { en: new Intl.NumberFormat('en'), nl: new Intl.NumberFormat('nl') };
const pluralRules: Record<Locale, Intl.PluralRules> = { en: new Intl.PluralRules('en'), nl: new Intl.PluralRules('nl') };

// Primary subtag of a BCP 47 tag ("nl-BE" -> "nl") if we support it.
function supported(tag: string): Locale | undefined {
  const primary = tag.toLowerCase().split('-')[0];
  return isLocale(primary) ? primary : undefined;
}

/** ui_locales (space-separated, first supported wins), then Accept-Language with q-values, then 'en'. */
export function pickLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of (uiLocales ?? '').trim().split(/\s+/)) {
    const locale = tag ? supported(tag) : undefined;
    if (locale) return locale;
  }
  if (acceptLanguage) {
    const best = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LOCALES]);
    if (isLocale(best)) return best;
  }
  return DEFAULT_LOCALE;
}

export interface I18n {
  /** The entry for exactly this locale, without fallback (undefined when missing). */
  lookup(locale: Locale, key: string): Entry | undefined;
  hasKey(locale: Locale, key: string): boolean;
  translate(locale: Locale, key: string, vars?: Vars): string;
  missingKeys(): string[];
  keys(locale: Locale): string[];
}

function choose(entry: Entry, locale: Locale, vars: Vars | undefined): string {
  if (typeof entry === 'string') return entry;
  // plural forms: chosen by `count`, else by the first numeric variable
  const n = typeof vars?.count === 'number' ? vars.count : Object.values(vars ?? {}).find((v) => typeof v === 'number');
  const category = typeof n === 'number' ? pluralRules[locale].select(n) : 'other';
  return entry[category] ?? entry.other ?? '';
}

function interpolate(text: string, locale: Locale, vars: Vars | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? numberFormats[locale].format(v) : v;
  });
}

/** Translations from <dir>/en.json and <dir>/nl.json (the app uses the default instance below). */
export function createI18n(dir: string | URL): I18n {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  // <locale>.json plus one file per area, <area>.<locale>.json (e.g. admin.nl.json); a key may live in one file only
  const load = (locale: Locale) => {
    const files = [`${locale}.json`, ...readdirSync(base).filter((f) => f.endsWith(`.${locale}.json`)).sort()];
    const out = new Map<string, Entry>();
    for (const name of files) {
      const part = flatten(JSON.parse(readFileSync(new URL(name, base), 'utf8')), '', new Map(), name);
      for (const [key, entry] of part) {
        if (out.has(key)) throw new Error(`${name}: "${key}" is already defined in another ${locale} file`);
        out.set(key, entry);
      }
    }
    return out;
  };
  const catalogs: Record<Locale, Map<string, Entry>> = { en: load('en'), nl: load('nl') };
  return {
    lookup: (locale, key) => catalogs[locale].get(key),
    hasKey: (locale, key) => catalogs[locale].has(key),
    translate(locale, key, vars) {
      const entry = catalogs[locale].get(key) ?? catalogs.en.get(key);
      if (entry === undefined) return key;
      return interpolate(choose(entry, locale, vars), locale, vars);
    },
    missingKeys() {
      const missing: string[] = [];
      for (const locale of LOCALES) {
        for (const other of LOCALES) {
          if (other === locale) continue;
          for (const key of catalogs[other].keys()) if (!catalogs[locale].has(key)) missing.push(`${locale}:${key}`);
        }
      }
      return missing.sort();
    },
    keys: (locale) => [...catalogs[locale].keys()],
  };
}

const i18n = createI18n(new URL('../../locales/', import.meta.url));

/** The entry for exactly this locale, without fallback (undefined when missing). */
export const lookup = i18n.lookup;
export const hasKey = i18n.hasKey;
/**
 * Translated text for a dotted key with `{name}` interpolation (numbers are formatted for the locale;
 * plural forms pick by `count` or the first number). Falls back to English, then to the key itself.
 * The result is plain text: escape it when writing HTML.
 */
export const translate = i18n.translate;
/** Keys present in one locale but not the other, as "nl:password.title" (missing in nl). */
export const missingKeys = i18n.missingKeys;
/** Every key of a locale (for tests and tooling). */
export const keys = i18n.keys;
