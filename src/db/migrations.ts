// Data written by earlier versions, brought to today's shape once at start (each step idempotent, cheap when done).
import { createHash } from 'node:crypto';
import type { mongo } from 'mongoose';
import type { Models } from '../models/index.js';
import { MARKER_PREFIX } from '../models/stores/payloads.js';
import { expiryBucket } from './expiry.js';
import { placeOf } from '../models/stores/audit-periods.js';
import { auditWriterFor, type WritableAuditEvent } from '../models/stores/audit-writer.js';
import { AUDIT_CATEGORIES, typeSelection } from '../services/audit/categories.js';
import { newCredentialKey } from '../services/mfa/credentials.js';
import { claimMarkerId } from '../models/stores/outbox.js';

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
      { $setOnInsert: { model: 'Consumed', payload: '{}', expiresAt: m.expiresAt, expiresBucket: m.expiresBucket ?? expiryBucket(m.expiresAt) } },
      { upsert: true },
    );
    await ConsumedMarker.collection.deleteOne({ _id: id as never });
    moved++;
  }
  return moved;
}

// Before issue 24, back-channel logout deliveries had their own outbox (logout_deliveries, claims marked
// `logout:<id>:<attempt>`) and emails carried no kind. Every delivery now sits in the one outbox: each logout moves with
// its id (its key), attempts and status, and the claim marker of its current attempt comes along, so a delivery an old
// worker is sending right now is not sent again while its claim holds, and a pending one still goes out (at least once:
// an old worker stopped between sending and marking it sent leaves it to be sent again). Copied before deleted; cheap
// when done (an empty collection, and the pending emails by their index).
async function deliveriesToOneOutbox({ OutboxMessage, ConsumedMarker }: Pick<Models, 'OutboxMessage' | 'ConsumedMarker'>): Promise<number> {
  await OutboxMessage.collection.updateMany({ status: 'pending', kind: { $exists: false } }, { $set: { kind: 'mail' } });
  const legacy = OutboxMessage.db.collection('logout_deliveries');
  let moved = 0;
  for await (const d of legacy.find({})) {
    const { _id, ...fields } = d;
    // a second instance migrating at the same moment may insert it first: its copy is the same
    await OutboxMessage.collection.updateOne({ _id }, { $setOnInsert: { ...fields, kind: 'logout' } }, { upsert: true }).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err;
    });
    if (d.status === 'pending') {
      const claim = await ConsumedMarker.collection.findOne({ _id: `logout:${_id}:${d.attempts}` as never });
      if (claim) {
        await ConsumedMarker.collection
          .insertOne({ ...claim, _id: claimMarkerId(String(_id), d.attempts) as never })
          .catch((err: { code?: number }) => {
            if (err.code !== 11000) throw err;
          });
      }
    }
    await legacy.deleteOne({ _id });
    moved++;
  }
  return moved;
}

// Audit events carry the buckets a page finds them by (src/models/stores/audit-periods.ts). Events written before
// that, or before the category table changed (an event's category is part of its buckets), get them now: one pass
// over the log (a full scan on FerretDB, minutes for a million events), then a flag so later starts cost one read.
const AUDIT_BUCKETS_VERSION = createHash('sha256')
  .update(JSON.stringify(['buckets 1', AUDIT_CATEGORIES.map(typeSelection)]))
  .digest('base64url')
  .slice(0, 12);
const AUDIT_BATCH = 500;

export async function indexAuditEvents({ AuditEvent }: Pick<Models, 'AuditEvent'>): Promise<number> {
  const collection = AuditEvent.collection as mongo.Collection;
  const done = { _id: `migrated:${AUDIT_BUCKETS_VERSION}`, k: 'migrated' } as unknown as mongo.Document;
  if (await collection.findOne({ _id: done._id })) return 0;
  const writer = auditWriterFor(collection);
  let updated = 0;
  let batch: WritableAuditEvent[] = [];
  const flush = async () => {
    await writer.prepare(batch);
    await collection.bulkWrite(batch.map((e) => ({ updateOne: { filter: { _id: e._id as mongo.ObjectId }, update: { $set: { b: e.b ?? [] } } } })), { ordered: false });
    updated += batch.length;
    batch = [];
  };
  // period documents have no type: only events are read
  for await (const doc of collection.find({ type: { $type: 'string' } }, { batchSize: AUDIT_BATCH })) {
    const event = doc as unknown as WritableAuditEvent;
    if (JSON.stringify(event.b ?? null) === JSON.stringify(placeOf(event).buckets)) continue;
    batch.push(event);
    if (batch.length === AUDIT_BATCH) await flush();
  }
  if (batch.length) await flush();
  await collection.insertOne(done).catch((err: { code?: number }) => {
    if (err.code !== 11000) throw err;
  });
  return updated;
}

export async function migrate(
  models: Pick<Models, 'User' | 'ConsumedMarker' | 'OidcPayload' | 'AuditEvent' | 'OutboxMessage'>,
): Promise<{ totpSecretsMoved: number; oidcMarkersMoved: number; logoutDeliveriesMoved: number }> {
  const totpSecretsMoved = await totpSecretsToCredentials(models);
  const oidcMarkersMoved = await oidcMarkersToPayloads(models);
  const logoutDeliveriesMoved = await deliveriesToOneOutbox(models);
  await indexAuditEvents(models);
  return { totpSecretsMoved, oidcMarkersMoved, logoutDeliveriesMoved };
}
