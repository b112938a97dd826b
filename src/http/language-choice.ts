// The language field of the account page and the admin console: "automatic" (null), or one of our locales.
import { z } from 'zod';
import { LOCALES, type Locale } from './i18n.js';

export const languageChoice = z
  .enum(['automatic', ...LOCALES] as [string, ...string[]])
  .transform((v): Locale | null => (v === 'automatic' ? null : (v as Locale)));

/** What the field shows as selected. */
export const languageChoiceOf = (locale: Locale | null, chosen: boolean): string => (chosen && locale ? locale : 'automatic');
