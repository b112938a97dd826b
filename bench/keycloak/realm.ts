// The `bench` realm as Keycloak realm-representation JSON: argon2id policy, TOTP policy, PKCE client, users with password + OTP.
import { randomBytes } from 'node:crypto';
import { generateSecret } from 'otplib';
import type { BenchUser } from '../lib/target.js';

export const REALM = 'bench';
export const CLIENT_ID = 'bench-client';
export const REDIRECT_URI = 'http://127.0.0.1:1/callback';

/** argon2id as OWASP's first choice: m = 19 MiB, t = 2, p = 1. */
export const ARGON2 = { memoryKiB: 19456, iterations: 2, parallelism: 1, type: 'id', hashLength: 32, version: '1.3' } as const;

/**
 * Server options for Keycloak's argon2 password-hashing provider. The realm policy's hashIterations
 * only reaches new hashes; the provider's own `iterations` is what policyCheck compares a stored
 * hash with after each successful sign-in, and a mismatch makes Keycloak re-hash and rewrite the
 * credential on every login. So both are set to the same t.
 */
export const ARGON2_SPI_ARGS = [
  `--spi-password-hashing--argon2--memory=${ARGON2.memoryKiB}`,
  `--spi-password-hashing--argon2--iterations=${ARGON2.iterations}`,
  `--spi-password-hashing--argon2--parallelism=${ARGON2.parallelism}`,
  `--spi-password-hashing--argon2--type=${ARGON2.type}`,
  `--spi-password-hashing--argon2--hash-length=${ARGON2.hashLength}`,
  `--spi-password-hashing--argon2--version=${ARGON2.version}`,
];

export const PASSWORD_POLICY = `hashAlgorithm(argon2) and hashIterations(${ARGON2.iterations})`;

export const TOTP = { algorithm: 'HmacSHA1', digits: 6, period: 30, lookAround: 1 } as const;

export function realmRepresentation(clientSecret: string): Record<string, unknown> {
  return {
    realm: REALM,
    enabled: true,
    passwordPolicy: PASSWORD_POLICY,
    bruteForceProtected: false,
    otpPolicyType: 'totp',
    otpPolicyAlgorithm: TOTP.algorithm,
    otpPolicyDigits: TOTP.digits,
    otpPolicyPeriod: TOTP.period,
    otpPolicyLookAheadWindow: TOTP.lookAround,
    otpPolicyCodeReusable: false,
    clients: [
      {
        clientId: CLIENT_ID,
        enabled: true,
        protocol: 'openid-connect',
        publicClient: false,
        clientAuthenticatorType: 'client-secret',
        secret: clientSecret,
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        consentRequired: false,
        redirectUris: [REDIRECT_URI],
        webOrigins: [],
        attributes: {
          'pkce.code.challenge.method': 'S256',
          'use.refresh.tokens': 'true',
        },
      },
    ],
  };
}

export function username(i: number): string {
  return `user${String(i + 1).padStart(4, '0')}`;
}

export function makeBenchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({
    username: username(i),
    password: `kc-${randomBytes(12).toString('base64url')}`,
    // 160 random bits, base32 as an authenticator app holds it; Keycloak decodes it (secretEncoding BASE32).
    totpSecret: generateSecret({ length: 20 }),
  }));
}

/** UserRepresentation with a plain password (hashed by Keycloak under the realm policy) and a stored TOTP credential. */
export function userRepresentation(user: BenchUser, index: number): Record<string, unknown> {
  return {
    username: user.username,
    email: `${user.username}@bench.example`,
    emailVerified: true,
    enabled: true,
    // Keycloak 26's default user profile requires both names; without them the first sign-in stops at "update profile".
    firstName: 'Bench',
    lastName: `User ${index + 1}`,
    requiredActions: [],
    credentials: [
      { type: 'password', value: user.password, temporary: false },
      {
        type: 'otp',
        userLabel: 'bench',
        // Both fields are JSON strings inside the representation, as Keycloak stores them.
        secretData: JSON.stringify({ value: user.totpSecret }),
        credentialData: JSON.stringify({
          subType: 'totp',
          digits: TOTP.digits,
          counter: 0,
          period: TOTP.period,
          algorithm: TOTP.algorithm,
          secretEncoding: 'BASE32',
        }),
      },
    ],
  };
}
