// The factors' own domain services, built from one list by the composition root (src/container.ts): adding a factor
// with a service adds one line here.
import { createHmac } from 'node:crypto';
import type { AuditRecorder } from '../src/services/audit/index.js';
import type { MfaService } from '../src/services/mfa/index.js';
import type { SecretBox } from '../src/services/secrets/index.js';
import type { Marker } from '../src/services/throttle/guard.js';
import { createTotpVerifier, type Totp } from '../src/services/totp/index.js';
import { createTotpFactor } from './totp/service.js';
import { createPasskeyFactor } from './passkey/service.js';
import { webauthnChallenges } from './passkey/challenge.js';

/** What the factors' services are built from. */
export interface FactorDeps {
  issuer: string;
  productName: string;
  /** the deployment's first cookie key, from which each factor derives its own keys */
  cookieKey: string;
  totp: Totp;
  box: SecretBox;
  mfa: MfaService;
  audit: AuditRecorder;
  clock: () => Date;
  /** true exactly once per key (a unique marker insert) */
  once(key: string): Promise<boolean>;
  claimInOrder(markers: Marker[]): Promise<number>;
}

export function createFactorServices(d: FactorDeps) {
  return {
    totp: createTotpFactor({ totp: d.totp, verifier: createTotpVerifier({ totp: d.totp }), box: d.box, mfa: d.mfa, once: d.once, claimInOrder: d.claimInOrder, clock: d.clock }),
    // RP ID and origin come from the issuer: a passkey works only on this provider's own pages
    passkey: createPasskeyFactor({
      rpId: new URL(d.issuer).hostname,
      origin: new URL(d.issuer).origin,
      rpName: d.productName,
      challenges: webauthnChallenges(createHmac('sha256', d.cookieKey).update('webauthn challenges').digest(), d.clock),
      mfa: d.mfa,
      audit: d.audit,
      clock: d.clock,
    }),
  };
}

export type FactorServices = ReturnType<typeof createFactorServices>;
