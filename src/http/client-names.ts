// A registered client's name as a page in one language shows it: the provider's own consoles have words in the locales
// ("clients" in locales/words.*.json, so Dutch pages say "Beheeromgeving"), every other client its client_name.
import { hasKey, translate, type Locale } from './i18n.js';

export const clientLabel = (locale: Locale, clientId: string, registered: string | undefined): string | undefined =>
  hasKey(locale, `clients.${clientId}`) ? translate(locale, `clients.${clientId}`) : registered;
