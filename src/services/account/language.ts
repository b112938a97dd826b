// The language a user reads (B22): the last one their pages were shown in, unless they or an admin chose one; a store's
// default for users who have never used a page (chosen by an admin, else by country). Emails are written in it.
import type { Locale } from '../locale.js';
import type { AuditRecorder } from '../audit/index.js';
import type { UserView } from './users.js';

export interface LanguagePort {
  setUserLocale(userId: string, locale: Locale, chosen: boolean): Promise<void>;
  /** back to "the language of my pages": the locale stays until a page in another one is used */
  clearUserChoice(userId: string): Promise<void>;
  setStoreLocale(storeId: string, locale: Locale | null): Promise<void>;
}

// Dutch-speaking countries and territories (ISO 3166-1 alpha-2); anywhere else reads English
const DUTCH = new Set(['NL', 'BE', 'SR', 'AW', 'CW', 'SX', 'BQ']);

export const localeForCountry = (country: string): Locale => (DUTCH.has(country.trim().toUpperCase()) ? 'nl' : 'en');

export interface LanguageActor {
  actorId: string;
  ip?: string;
}

export function createLanguageService(deps: { store: LanguagePort; audit: AuditRecorder }) {
  return {
    /** A page was shown to the user in `locale`: remembered unless a language was chosen (a write only on change). */
    async used(user: Pick<UserView, 'id' | 'locale' | 'localeChosen'>, locale: Locale): Promise<void> {
      if (user.localeChosen || user.locale === locale) return;
      await deps.store.setUserLocale(user.id, locale, false);
    },

    /** The user (account page) or an admin chose a language; null goes back to "the language of my pages". */
    async choose(user: Pick<UserView, 'id' | 'storeId'>, locale: Locale | null, actor: LanguageActor): Promise<void> {
      if (locale) await deps.store.setUserLocale(user.id, locale, true);
      else await deps.store.clearUserChoice(user.id);
      await deps.audit.record({ type: 'user.language_changed', userId: user.id, storeId: user.storeId, actorId: actor.actorId, ip: actor.ip, details: { locale: locale ?? 'automatic' } });
    },

    /** An admin set the store's default language; null: by the store's country. */
    async chooseForStore(storeId: string, locale: Locale | null, actor: LanguageActor): Promise<void> {
      await deps.store.setStoreLocale(storeId, locale);
      await deps.audit.record({ type: 'store.language_changed', storeId, actorId: actor.actorId, ip: actor.ip, details: { locale: locale ?? 'by_country' } });
    },
  };
}

export type LanguageService = ReturnType<typeof createLanguageService>;
