// Secrets service: AES-256-GCM secret box with a rotatable keyring.
export { createSecretBox, type SecretBox, type SecretBoxDeps } from './secret-box.js';
export { parseKeyring, KEY_BYTES, type Keyring } from './keyring.js';
