// Data of earlier versions is brought to today's shape at start: a TOTP secret on the user becomes a "totp" credential;
// a used code's or refresh token's marker moves beside the tokens (issue 22).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrations.js';
import { credentialsOf } from '../../src/models/stores/user-directory.js';
import { createPayloadStore } from '../../src/models/stores/payloads.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('migrations at start', () => {
  let server: TestDatabase;
  let db: Database;
  before(async () => {
    server = await startTestDatabase();
    db = await connectDatabase(server.uri, { syncIndexes: server.syncIndexes });
  });
  after(async () => {
    await db?.close();
    await server?.stop();
  });

  it('a user enrolled before factors were modules keeps their authenticator app, once', async () => {
    const _id = new Types.ObjectId();
    const enrolledAt = new Date('2026-10-01T08:00:00Z');
    await db.models.User.collection.insertOne({
      _id, storeId: new Types.ObjectId(), username: 'old', name: 'Old Timer', role: 'cashier', passwordHash: 'x',
      mfa: { enabled: true, secretSealed: 'v1.k1.sealed', enrolledAt, mustEnrol: false, codesBatch: 'b1' },
    });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 1, oidcMarkersMoved: 0 });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 0 }, 'a second start moves nothing');
    const user = await db.models.User.findById(_id).lean();
    assert.equal((user!.mfa as Record<string, unknown>).secretSealed, undefined);
    const credentials = credentialsOf(user!);
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.type, 'totp');
    assert.equal(credentials[0]!.data.secretSealed, 'v1.k1.sealed');
    assert.equal(credentials[0]!.createdAt.toISOString(), enrolledAt.toISOString());
  });

  it('a refresh token used before the upgrade stays used after it: its marker moves to oidc_payloads (checklist 80)', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    await db.models.ConsumedMarker.collection.insertOne({ _id: 'oidc:RefreshToken:used-before' as never, owner: null, expiresAt, expiresBucket: 1, at: new Date() });
    await db.models.ConsumedMarker.collection.insertOne({ _id: 'attempt:someone' as never, owner: null, expiresAt, expiresBucket: 1, at: new Date() });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 1 });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 0 }, 'a second start moves nothing');
    assert.equal(await db.models.ConsumedMarker.countDocuments({ _id: 'attempt:someone' }), 1, 'other markers stay');
    let taken = 0;
    await createPayloadStore(db.models).claimOnce({ key: 'RefreshToken:used-before', expiresAt, taken: async () => void taken++ });
    assert.equal(taken, 1, 'the moved marker is taken');
  });
});
