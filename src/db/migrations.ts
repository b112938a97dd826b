// Data written by earlier versions, brought to today's shape once at start (each step idempotent, cheap when done).
import type { Models } from '../models/index.js';
import { newCredentialKey } from '../services/mfa/credentials.js';

// Before factors were modules, a TOTP secret sat on the user as mfa.secretSealed; it is now a "totp" credential.
async function totpSecretsToCredentials({ User }: Pick<Models, 'User'>): Promise<number> {
  const legacy = User.collection.find({ 'mfa.secretSealed': { $type: 'string' } }, { projection: { 'mfa.secretSealed': 1, 'mfa.enrolledAt': 1 } });
  let moved = 0;
  for await (const u of legacy) {
    const mfa = u.mfa as { secretSealed: string; enrolledAt?: Date | null };
    const credential = { type: 'totp', name: null, createdAt: mfa.enrolledAt ?? new Date(), lastUsedAt: null, data: { secretSealed: mfa.secretSealed } };
    await User.collection.updateOne(
      { _id: u._id, 'mfa.secretSealed': mfa.secretSealed },
      { $set: { [`credentials.${newCredentialKey()}`]: credential }, $unset: { 'mfa.secretSealed': '' } },
    );
    moved++;
  }
  return moved;
}

export async function migrate(models: Pick<Models, 'User'>): Promise<{ totpSecretsMoved: number }> {
  return { totpSecretsMoved: await totpSecretsToCredentials(models) };
}
