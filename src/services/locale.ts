// The languages of pages and emails (B8): a leaf the domain and the web layer both name languages by.
export type Locale = 'en' | 'nl';
export const LOCALES: readonly Locale[] = ['en', 'nl'];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'nl';
}
