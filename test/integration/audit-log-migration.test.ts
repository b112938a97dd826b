// Audit events written before they carried buckets are given them at start, once, and then page like new ones (B5; issue 27).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { indexAuditEvents } from '../../src/db/migrations.js';
import { mongoAuditQuery } from '../../src/models/stores/audit-query.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('audit events of earlier versions (issue 27)', () => {
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

  it('are found by every filter after the migration, which a second start skips', async () => {
    const storeId = new Types.ObjectId();
    const carla = new Types.ObjectId();
    const legacy = Array.from({ length: 40 }, (_, i) => ({
      _id: new Types.ObjectId(),
      at: new Date(Date.UTC(2025, i % 12, 1 + i, 10)),
      type: i % 4 ? 'signin.success' : 'mfa.reset_by_admin',
      storeId,
      userId: carla,
      actorId: i % 4 ? carla : null,
      ip: null,
      userAgent: null,
      details: {},
    }));
    // as an earlier version wrote them: no buckets, no period documents
    await db.models.AuditEvent.collection.insertMany(legacy);
    const query = mongoAuditQuery(db.models);
    const filter = { storeId: String(storeId), userId: String(carla), category: 'mfa' as const };
    assert.deepEqual(await query.around(filter, undefined, 50), [], 'not found before');

    // the flag of the first start (an empty database) makes a restart skip the scan; a new version scans again
    await db.models.AuditEvent.collection.deleteMany({ k: 'migrated' });
    assert.equal(await indexAuditEvents(db.models), 40);
    assert.equal(await indexAuditEvents(db.models), 0, 'a second start changes nothing');

    const mfa = legacy.filter((e) => e.type.startsWith('mfa.')).sort((a, b) => b.at.getTime() - a.at.getTime());
    assert.deepEqual((await query.around(filter, undefined, 50)).map((e) => e.id), mfa.map((e) => String(e._id)));
    assert.equal((await query.around({ storeId: String(storeId) }, undefined, 100)).length, 40);
  });
});
