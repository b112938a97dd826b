// Signing keys, cookie keys, TOTP encryption keys and the recovery pepper: from configuration, or in development
// generated once and stored in the database so restarts and every instance share them.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Models } from '../models/index.js';

export interface DeploymentSecrets {
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
  totpKeyring: string;
  recoveryPepper: Buffer;
}

function newJwks(): string {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return JSON.stringify({
    keys: [
      { ...rsa, kid: randomUUID(), alg: 'RS256', use: 'sig' },
      { ...ec, kid: randomUUID(), alg: 'ES256', use: 'sig' },
    ],
  });
}

/** How a fresh value of each deployment secret is made (development, and tools such as the bench). */
export const secretGenerators: Record<keyof Config['secrets'], () => string> = {
  signingJwks: newJwks,
  cookieKeys: () => [randomBytes(32), randomBytes(32)].map((b) => b.toString('base64url')).join(','),
  totpKeys: () => `k1:${randomBytes(32).toString('base64')}`,
  recoveryPepper: () => randomBytes(32).toString('base64'),
};

async function stored(models: Models, name: keyof Config['secrets']): Promise<string> {
  const found = await models.AppSecret.findById(name).lean();
  if (found) return found.value;
  try {
    await models.AppSecret.create({ _id: name, value: secretGenerators[name]() });
  } catch (err) {
    // another instance created it first: the unique _id decides, and we read the winner below
    if ((err as { code?: number }).code !== 11000) throw err;
  }
  const winner = await models.AppSecret.findById(name).lean();
  if (!winner) throw new Error(`deployment secret "${name}" was neither found nor stored`);
  return winner.value;
}

export async function loadDeploymentSecrets(config: Config, models: Models): Promise<DeploymentSecrets> {
  const s = config.secrets;
  const missing = Object.entries(s).filter(([, v]) => !v).map(([k]) => k);
  if (config.production && missing.length) {
    throw new Error(`In production these secrets must be configured: ${missing.join(', ')} (see docs/operators.md, Configuration).`);
  }
  const get = async (name: keyof Config['secrets']) => s[name] ?? (await stored(models, name));
  const jwks = JSON.parse(await get('signingJwks')) as DeploymentSecrets['jwks'];
  return {
    jwks,
    cookieKeys: (await get('cookieKeys')).split(',').map((k) => k.trim()).filter(Boolean),
    totpKeyring: await get('totpKeys'),
    recoveryPepper: Buffer.from(await get('recoveryPepper'), 'base64'),
  };
}
