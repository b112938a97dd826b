// The demo POS's words: its locale (chosen on the register, else Accept-Language) and claims in plain language.
import { pickLocale, translate, type Locale } from '../http/i18n.js';

export type DemoText = (key: string, vars?: Record<string, string | number>) => string;

export const demoText = (locale: Locale): DemoText => (key, vars) => translate(locale, key, vars);

export const demoLocale = (chosen: Locale | undefined, acceptLanguage: string | undefined): Locale =>
  chosen ?? pickLocale(undefined, acceptLanguage);

const KNOWN_AMR = new Set(['pwd', 'otp', 'hwk', 'swk', 'user', 'mfa', 'pin']);

/** "password + authenticator app": the methods a person would recognise; `mfa` only restates them. */
export function amrInWords(t: DemoText, amr: unknown): string {
  const methods = Array.isArray(amr) ? amr.filter((m): m is string => typeof m === 'string') : [];
  const shown = methods.filter((m) => m !== 'mfa' && m !== 'user');
  return shown.map((m) => (KNOWN_AMR.has(m) ? t(`demo.amr.${m}`) : m)).join(' + ');
}
