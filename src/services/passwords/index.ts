// Passwords service: argon2id hasher and the new-password policy.
export {
  createPasswordHasher,
  normalizePassword,
  codePointLength,
  MAX_VERIFY_INPUT,
  type PasswordHasher,
  type PasswordHasherOptions,
} from './hasher.js';
export {
  checkNewPassword,
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  type NewPasswordContext,
  type NewPasswordRejection,
  type NewPasswordResult,
} from './new-password.js';
export { isCommonPassword, commonPasswords } from './common-list.js';
