// The language a person reads (B22, issue 23), one rule for every email: the one they or an admin chose for them, else
// their store's (chosen by an admin, else by country). The language a page happens to be shown in (a till's browser,
// a POS's language switch) never changes it, so one person's emails never switch between English and Dutch.
import type { Locale } from '../locale.js';
import type { AuditRecorder } from '../audit/index.js';
import type { UserView } from './users.js';

export interface LanguagePort {
  setUserLocale(userId: string, locale: Locale, chosen: boolean): Promise<void>;
  /** back to "the store's language" */
  clearUserChoice(userId: string): Promise<void>;
  setStoreLocale(storeId: string, locale: Locale | null): Promise<void>;
}

// Dutch-speaking countries and territories (ISO 3166-1 alpha-2); anywhere else reads English
const DUTCH = new Set(['NL', 'BE', 'SR', 'AW', 'CW', 'SX', 'BQ']);

export const localeForCountry = (country: string): Locale => (DUTCH.has(country.trim().toUpperCase()) ? 'nl' : 'en');

/** The language every email to this person is written in (and their account pages): chosen, else the store's. */
export const userLanguage = (user: Pick<UserView, 'locale' | 'localeChosen'>, store: { locale: Locale } | undefined): Locale =>
  (user.localeChosen && user.locale) || store?.locale || 'en';

export interface LanguageActor {
  actorId: string;
  ip?: string;
}

export function createLanguageService(deps: { store: LanguagePort; audit: AuditRecorder }) {
  return {
    /** The user (account page) or an admin chose a language; null goes back to the store's. */
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
