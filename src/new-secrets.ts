// `npm run secrets` (`node src/new-secrets.js` in the build): fresh production secrets as env-file lines, to keep in a
// secret store or a file only the provider can read; production refuses to start without them (docs/operators.md, Production).
import { secretGenerators } from './provider/deployment-secrets.js';

const ENV_NAMES = { signingJwks: 'SIGNING_JWKS', cookieKeys: 'COOKIE_KEYS', totpKeys: 'TOTP_KEYS', recoveryPepper: 'RECOVERY_PEPPER' } as const satisfies Record<keyof typeof secretGenerators, string>;

// single-quoted: the JWKS is JSON; none of the values holds a quote
for (const [key, name] of Object.entries(ENV_NAMES)) process.stdout.write(`${name}='${secretGenerators[key as keyof typeof ENV_NAMES]()}'\n`);
