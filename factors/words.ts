// Naming the second factors a user has (issue 19 item 4): pages and emails pick the sentence "<base>.app",
// "<base>.passkey" or "<base>.both", so a passkey-only user never reads about an authenticator app.
import type { CredentialType } from '../src/services/mfa/credentials.js';

export type FactorWords = 'app' | 'passkey' | 'both';

export function factorWords(types: readonly CredentialType[]): FactorWords {
  const app = types.includes('totp');
  const passkey = types.includes('passkey');
  return app && passkey ? 'both' : passkey ? 'passkey' : 'app';
}
