// The passkey factor's domain (WebAuthn, @simplewebauthn/server): registration and sign-in options, verification
// against our origin and RP ID, the sign counter (a regression is refused: a cloned authenticator), names and removal.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import type { Actor, MfaService } from '../../src/services/mfa/index.js';
import type { BindingGrant } from '../../src/services/binding/index.js';
import { credentialsOfType, newCredentialKey, type Credential } from '../../src/services/mfa/credentials.js';
import type { AuditRecorder } from '../../src/services/audit/index.js';
import type { WebauthnChallenges } from './challenge.js';

const passkeyData = z.object({
  credentialId: z.string().min(1),
  publicKey: z.string().min(1),
  counter: z.number().int().min(0),
  transports: z.array(z.string()).default([]),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  aaguid: z.string().optional(),
});
type PasskeyData = z.infer<typeof passkeyData>;

// what the browser posts: JSON of a PublicKeyCredential (our page sends @simplewebauthn/browser's output as it is)
const responseShape = z.object({ id: z.string().min(1).max(1400), rawId: z.string().min(1).max(1400), type: z.literal('public-key'), response: z.record(z.string(), z.unknown()) }).loose();

export const PASSKEY_NAME_MAX = 60;

export interface PasskeyView {
  key: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  synced: boolean;
}

export interface PasskeyFactorDeps {
  rpId: string;
  origin: string;
  rpName: string;
  challenges: WebauthnChallenges;
  mfa: Pick<MfaService, 'load' | 'enrol' | 'dropCredential' | 'updateCredential'>;
  audit: AuditRecorder;
  clock: () => Date;
}

export type PasskeyRefusal = 'malformed' | 'challenge' | 'unknown_credential' | 'not_verified' | 'counter' | 'duplicate';

function parseResponse<T>(json: string): T | undefined {
  try {
    const parsed = responseShape.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as T) : undefined;
  } catch {
    return undefined;
  }
}

const passkeysOf = (credentials: Credential[]) =>
  credentialsOfType(credentials, 'passkey').flatMap((c) => {
    const data = passkeyData.safeParse(c.data);
    return data.success ? [{ credential: c, data: data.data }] : [];
  });

// the challenge the client data carries, before the library checks it against the options we issued
function challengeIn(response: { response: { clientDataJSON: string } }): string | undefined {
  try {
    const clientData = JSON.parse(Buffer.from(String(response.response.clientDataJSON ?? ''), 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' ? clientData.challenge : undefined;
  } catch {
    return undefined;
  }
}

export function createPasskeyFactor(deps: PasskeyFactorDeps) {
  const expected = { expectedOrigin: deps.origin, expectedRPID: deps.rpId, requireUserVerification: false } as const;

  return {
    async list(userId: string): Promise<PasskeyView[]> {
      const mfa = await deps.mfa.load(userId);
      return passkeysOf(mfa?.credentials ?? []).map(({ credential, data }) => ({
        key: credential.key,
        name: credential.name ?? '',
        createdAt: credential.createdAt,
        lastUsedAt: credential.lastUsedAt,
        synced: data.deviceType === 'multiDevice',
      }));
    },

    /** Options for navigator.credentials.create, with a challenge bound to `binding` (the account session). */
    async registrationOptions(user: { id: string; username: string; name: string; storePrefix: string }, binding: string) {
      const mfa = await deps.mfa.load(user.id);
      return generateRegistrationOptions({
        rpName: deps.rpName,
        rpID: deps.rpId,
        userID: Buffer.from(user.id, 'utf8'),
        userName: `${user.storePrefix}:${user.username}`,
        userDisplayName: user.name,
        // as bytes: a string would be taken as text and encoded again
        challenge: Buffer.from(deps.challenges.issue(binding), 'base64url'),
        attestationType: 'none',
        // the same authenticator is not registered twice
        excludeCredentials: passkeysOf(mfa?.credentials ?? []).map(({ data }) => ({ id: data.credentialId, transports: data.transports })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
    },

    /**
     * Verifies a registration and stores the passkey. `claimChallenge` claims its challenge once before anything is
     * verified: each challenge is tried once, and a replay is refused.
     * A first factor turns MFA on and returns the recovery codes to show once. `grant` is the binding rule's
     * permission (src/services/binding), authorized before the challenge was issued and again now.
     */
    async register(
      userId: string,
      json: string,
      binding: string,
      name: string,
      actor: Actor,
      claimChallenge: (challenge: string) => Promise<boolean>,
      grant: BindingGrant,
    ): Promise<{ ok: true; codes: string[] | null } | { ok: false; reason: PasskeyRefusal }> {
      const response = parseResponse<RegistrationResponseJSON>(json);
      if (!response) return { ok: false, reason: 'malformed' };
      const challenge = challengeIn(response);
      if (!challenge || !deps.challenges.valid(binding, challenge)) return { ok: false, reason: 'challenge' };
      if (!(await claimChallenge(challenge))) return { ok: false, reason: 'challenge' };
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, ...expected });
      } catch {
        return { ok: false, reason: 'not_verified' };
      }
      if (!verified.verified) return { ok: false, reason: 'not_verified' };
      const info = verified.registrationInfo;
      const mfa = await deps.mfa.load(userId);
      if (passkeysOf(mfa?.credentials ?? []).some(({ data }) => data.credentialId === info.credential.id)) return { ok: false, reason: 'duplicate' };
      const data: PasskeyData = {
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
      };
      const cleanName = name.trim().slice(0, PASSKEY_NAME_MAX);
      const credential: Credential = { key: newCredentialKey(), type: 'passkey', name: cleanName, createdAt: deps.clock(), lastUsedAt: null, data };
      const { codes } = await deps.mfa.enrol(userId, credential, { actor, grant, noticeWhenOn: 'passkey_added', details: { name: cleanName } });
      return { ok: true, codes };
    },

    /** Options for navigator.credentials.get: the user's own passkeys only, challenge bound to `binding` (the interaction). */
    async authenticationOptions(userId: string, binding: string) {
      const mfa = await deps.mfa.load(userId);
      return generateAuthenticationOptions({
        rpID: deps.rpId,
        // as bytes: a string would be taken as text and encoded again
        challenge: Buffer.from(deps.challenges.issue(binding), 'base64url'),
        userVerification: 'preferred',
        allowCredentials: passkeysOf(mfa?.credentials ?? []).map(({ data }) => ({ id: data.credentialId, transports: data.transports })),
      });
    },

    /**
     * Verifies a sign-in assertion against the user's own passkeys. Its challenge is claimed first (`claimChallenge`,
     * in the same command as the attempt's throttle slot). What it saw feeds amr (factors/passkey/index.ts).
     */
    async authenticate(
      userId: string,
      json: string,
      binding: string,
      claimChallenge: (challenge: string) => Promise<boolean>,
    ): Promise<{ ok: true; seen: { userVerified: boolean; synced: boolean } } | { ok: false; reason: PasskeyRefusal }> {
      const response = parseResponse<AuthenticationResponseJSON>(json);
      if (!response) return { ok: false, reason: 'malformed' };
      const challenge = challengeIn(response);
      if (!challenge || !deps.challenges.valid(binding, challenge)) return { ok: false, reason: 'challenge' };
      if (!(await claimChallenge(challenge))) return { ok: false, reason: 'challenge' };
      const mfa = await deps.mfa.load(userId);
      const mine = passkeysOf(mfa?.credentials ?? []).find(({ data }) => data.credentialId === response.id);
      // another user's passkey, or one removed meanwhile
      if (!mine) return { ok: false, reason: 'unknown_credential' };
      let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge,
          ...expected,
          credential: { id: mine.data.credentialId, publicKey: Buffer.from(mine.data.publicKey, 'base64url'), counter: mine.data.counter, transports: mine.data.transports },
        });
      } catch (err) {
        // the library refuses a sign counter that did not grow: two authenticators hold this key (W3C WebAuthn §6.1.1)
        if (/counter/i.test((err as Error).message)) {
          await deps.audit.record({ type: 'mfa.passkey_counter_regression', userId, storeId: mfa?.storeId, details: { name: mine.credential.name ?? '', stored: mine.data.counter } });
          return { ok: false, reason: 'counter' };
        }
        return { ok: false, reason: 'not_verified' };
      }
      if (!verified.verified) return { ok: false, reason: 'not_verified' };
      const info = verified.authenticationInfo;
      await deps.mfa.updateCredential(userId, mine.credential.key, { lastUsedAt: deps.clock(), data: { counter: info.newCounter, backedUp: info.credentialBackedUp } });
      return { ok: true, seen: { userVerified: info.userVerified, synced: info.credentialDeviceType === 'multiDevice' } };
    },

    async rename(userId: string, key: string, name: string): Promise<boolean> {
      const mfa = await deps.mfa.load(userId);
      if (!passkeysOf(mfa?.credentials ?? []).some(({ credential }) => credential.key === key)) return false;
      return deps.mfa.updateCredential(userId, key, { name: name.trim().slice(0, PASSKEY_NAME_MAX) });
    },

    async remove(userId: string, key: string, actor: Actor): Promise<boolean> {
      const mfa = await deps.mfa.load(userId);
      if (!passkeysOf(mfa?.credentials ?? []).some(({ credential }) => credential.key === key)) return false;
      return deps.mfa.dropCredential(userId, key, actor, 'passkey_removed');
    },
  };
}

export type PasskeyFactorService = ReturnType<typeof createPasskeyFactor>;
