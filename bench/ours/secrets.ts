// Deployment secrets for one bench run, made by the provider's own generators: the seeding and the provider share them.
import { secretGenerators } from '../../src/provider/deployment-secrets.js';

export interface BenchSecrets {
  SIGNING_JWKS: string;
  COOKIE_KEYS: string;
  TOTP_KEYS: string;
  RECOVERY_PEPPER: string;
}

export function generateSecrets(): BenchSecrets {
  return {
    SIGNING_JWKS: secretGenerators.signingJwks(),
    COOKIE_KEYS: secretGenerators.cookieKeys(),
    TOTP_KEYS: secretGenerators.totpKeys(),
    RECOVERY_PEPPER: secretGenerators.recoveryPepper(),
  };
}
