// Data written by earlier versions, brought to today's shape once at start (each step idempotent, cheap when done).
import type { Models } from '../models/index.js';
import { MARKER_PREFIX } from '../models/stores/payloads.js';
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

// Before issue 22, a used code or refresh token was marked in consumed_markers as `oidc:<model>:<id>`; its marker now
// sits beside the tokens in oidc_payloads (src/models/stores/payloads.ts), so the ones still live move there: a token
// used before the upgrade stays used after it. Copied before deleted, so a crash in between loses none.
async function oidcMarkersToPayloads({ ConsumedMarker, OidcPayload }: Pick<Models, 'ConsumedMarker' | 'OidcPayload'>): Promise<number> {
  const legacy = ConsumedMarker.collection.find({ _id: { $gte: 'oidc:', $lt: 'oidc;' } as never });
  let moved = 0;
  for await (const m of legacy) {
    const id = String(m._id);
    await OidcPayload.collection.updateOne(
      { _id: `${MARKER_PREFIX}${id.slice('oidc:'.length)}` as never },
      { $setOnInsert: { model: 'Consumed', payload: '{}', expiresAt: m.expiresAt, expiresBucket: m.expiresBucket ?? null } },
      { upsert: true },
    );
    await ConsumedMarker.collection.deleteOne({ _id: id as never });
    moved++;
  }
  return moved;
}

export async function migrate(models: Pick<Models, 'User' | 'ConsumedMarker' | 'OidcPayload'>): Promise<{ totpSecretsMoved: number; oidcMarkersMoved: number }> {
  return { totpSecretsMoved: await totpSecretsToCredentials(models), oidcMarkersMoved: await oidcMarkersToPayloads(models) };
}
