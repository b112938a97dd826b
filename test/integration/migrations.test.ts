// Data of earlier versions is brought to today's shape at start: a TOTP secret on the user becomes a "totp" credential;
// a used code's or refresh token's marker moves beside the tokens (issue 22); back-channel logouts move into the one
// outbox, and what was pending goes out once (issue 24).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrations.js';
import { credentialsOf } from '../../src/models/stores/user-directory.js';
import { createPayloadStore } from '../../src/models/stores/payloads.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startSmtpSink } from '../helpers/smtp.js';
import pino from 'pino';
import { mongoOutbox } from '../../src/models/stores/outbox.js';
import { createLogoutWorker, type PendingLogout } from '../../src/logout/worker.js';
import { createEmailWorker } from '../../src/mail/worker.js';
import { createSmtpSender } from '../../src/mail/transport.js';

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
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 1, oidcMarkersMoved: 0, logoutDeliveriesMoved: 0 });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 0, logoutDeliveriesMoved: 0 }, 'a second start moves nothing');
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
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 1, logoutDeliveriesMoved: 0 });
    assert.deepEqual(await migrate(db.models), { totpSecretsMoved: 0, oidcMarkersMoved: 0, logoutDeliveriesMoved: 0 }, 'a second start moves nothing');
    assert.equal(await db.models.ConsumedMarker.countDocuments({ _id: 'attempt:someone' }), 1, 'other markers stay');
    let taken = 0;
    await createPayloadStore(db.models).claimOnce({ key: 'RefreshToken:used-before', expiresAt, taken: async () => void taken++ });
    assert.equal(taken, 1, 'the moved marker is taken');
  });

  it('B6/B16: a back-channel logout and an email pending before the one outbox go out once after the upgrade; one an old worker is sending is not sent again', async () => {
    const now = new Date();
    const legacy = db.conn.collection('logout_deliveries');
    const [waiting, inFlight, done] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    const delivery = { accountId: 'u-old', status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, sentAt: null, lastError: null, expiresAt: null };
    await legacy.insertMany([
      { _id: waiting, ...delivery, clientId: 'pos', sid: 'sid-1' },
      { _id: inFlight, ...delivery, clientId: 'pos', sid: 'sid-2' },
      { _id: done, ...delivery, clientId: 'pos', sid: 'sid-3', status: 'sent', attempts: 1, sentAt: now, expiresAt: new Date(now.getTime() + 86_400_000) },
    ]);
    // an old instance claimed this one's attempt a moment ago and may still be sending it
    await db.models.ConsumedMarker.collection.insertOne({ _id: `logout:${inFlight}:0` as never, at: now, expiresAt: new Date(now.getTime() + 86_400_000), expiresBucket: 1 });
    const mail = { type: 'password_changed', userId: null, storeId: null, to: 'old@example.test', locale: 'en', subject: 'Queued before', text: 't', html: '<p>h</p>' };
    await db.models.OutboxMessage.collection.insertOne({ ...mail, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, sentAt: null, lastError: null, expiresAt: null });

    assert.equal((await migrate(db.models)).logoutDeliveriesMoved, 3);
    assert.equal((await migrate(db.models)).logoutDeliveriesMoved, 0, 'a second start moves nothing');
    assert.equal(await legacy.countDocuments(), 0);
    assert.equal(await db.models.OutboxMessage.countDocuments({ kind: 'logout' }), 3);

    const silent = pino({ level: 'silent' });
    const told: PendingLogout[] = [];
    const logouts = createLogoutWorker({
      outbox: mongoOutbox(db.models, 'logout'), deliver: async (d) => void told.push(d), storeOf: async () => undefined,
      audit: { record: async () => {} }, logger: silent, clock: () => now,
    });
    assert.deepEqual(await logouts.drain(), { sent: 1, failed: 0 });
    assert.deepEqual(await logouts.drain(), { sent: 0, failed: 0 }, 'once');
    assert.deepEqual(told.map((d) => [d.clientId, d.accountId, d.sid]), [['pos', 'u-old', 'sid-1']]);

    const sink = await startSmtpSink();
    try {
      const emails = createEmailWorker({ outbox: mongoOutbox(db.models, 'mail'), sender: createSmtpSender({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'idp@example.test' }), logger: silent, messageIdDomain: 'example.test' });
      assert.deepEqual(await emails.drain(), { sent: 1, failed: 0 });
      assert.deepEqual(await emails.drain(), { sent: 0, failed: 0 }, 'once');
      await emails.stop();
      assert.deepEqual(sink.messages.map((m) => m.subject), ['Queued before']);
    } finally {
      await sink.close();
    }
  });
});
