// The back-channel logout kind of the one outbox (B16) with an in-memory outbox and a fixed clock: retried with the
// outbox's backoff, given up after its last attempt, every outcome audited; the mail kind never gives up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createLogoutWorker } from '../../src/logout/worker.js';
import { logoutDelivery } from '../../src/logout/ports.js';
import { createEmailWorker } from '../../src/mail/worker.js';
import type { AuditEvent } from '../../src/services/audit/index.js';
import { memoryOutbox } from '../helpers/memory-outbox.js';

const silent = pino({ level: 'silent' });
const HOUR = 3_600_000;

test('B16: a logout the client keeps refusing is tried 12 times, then given up and audited as abandoned', async () => {
  let now = new Date('2026-12-07T10:00:00Z');
  const audits: AuditEvent[] = [];
  const { port, rows } = memoryOutbox<'logout'>();
  const worker = createLogoutWorker({
    outbox: port,
    deliver: async () => {
      throw new Error('receiver answered 500');
    },
    storeOf: async () => 'store-1',
    audit: { record: async (e) => void audits.push(e) },
    logger: silent,
    clock: () => now,
  });
  const [id] = await port.enqueue([logoutDelivery({ clientId: 'pos', accountId: 'u1', sid: 's1' })], now);
  let failed = 0;
  for (let i = 0; i < 20; i++) {
    failed += (await worker.drain()).failed;
    now = new Date(now.getTime() + HOUR);
  }
  assert.equal(failed, 12);
  assert.equal(rows.get(id!)!.status, 'abandoned');
  assert.deepEqual(
    audits.map((e) => e.type),
    [...Array(11).fill('logout.backchannel_failed'), 'logout.backchannel_abandoned'],
  );
  assert.deepEqual(audits.at(-1)!.details, { clientId: 'pos', sid: 's1', attempt: 12, error: 'receiver answered 500' });
  assert.equal(audits[0]!.storeId, 'store-1');
});

test('B6: an email is never given up: it is still pending after more failures than a logout is allowed', async () => {
  let now = new Date('2026-12-07T10:00:00Z');
  const { port, rows } = memoryOutbox();
  const worker = createEmailWorker({
    outbox: port,
    sender: {
      send: async () => {
        throw Object.assign(new Error('try later'), { responseCode: 451 });
      },
      close() {},
    },
    logger: silent,
    clock: () => now,
    messageIdDomain: 'x.test',
  });
  const [id] = await port.enqueue([{ type: 'password_changed', userId: null, storeId: null, to: 'a@x.test', locale: 'en', subject: 's', text: 't', html: 'h' }], now);
  for (let i = 0; i < 20; i++) {
    await worker.drain();
    now = new Date(now.getTime() + HOUR);
  }
  assert.equal(rows.get(id!)!.status, 'pending');
  assert.equal(rows.get(id!)!.attempts, 20);
});
