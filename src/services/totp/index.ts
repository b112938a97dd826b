// TOTP service: RFC 6238 codes, provisioning and replay-proof verification.
export {
  createTotp,
  TOTP_PERIOD,
  TOTP_DIGITS,
  SECRET_BYTES,
  SKEW_SECONDS,
  type Totp,
  type TotpDeps,
} from './totp.js';
export { createTotpVerifier, stepMarker, type ClaimWithSlot, type TotpVerdict, type TotpVerifier } from './verifier.js';
