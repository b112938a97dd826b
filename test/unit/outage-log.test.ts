// The outage log (issue 20 item 2): one warning per database outage, a reminder with the count while a long one lasts,
// and no Go frames from FerretDB; a fixed clock moves time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { outageLog, QUIET_MS, REMIND_MS } from '../../src/db/outage-log.js';
import { databaseReason, isDatabaseUnavailable } from '../../src/db/unavailable.js';

const ferretdbError = (name: string) =>
  Object.assign(new Error('[msg_update.go:117 handler.(*Handler).updateDocument] [collection.go:109 postgresql.(*collection).Query] failed to connect to `user=ferretdb database=ferretdb`:\n\t127.0.0.1:5 (127.0.0.1): dial error'), { name, codeName: 'InternalError', code: 1 });

test('every class of FerretDB failure is an outage; a duplicate key or a bug is not', () => {
  for (const name of ['MongoServerError', 'MongoBulkWriteError', 'MongoWriteConcernError']) assert.ok(isDatabaseUnavailable(ferretdbError(name)), name);
  assert.ok(isDatabaseUnavailable(new Error('wrapped', { cause: ferretdbError('MongoBulkWriteError') })));
  assert.ok(!isDatabaseUnavailable(Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000, codeName: 'DuplicateKey' })));
  assert.ok(!isDatabaseUnavailable(new TypeError('x is undefined')));
  assert.equal(databaseReason(new Error('wrapper', { cause: ferretdbError('MongoServerError') })), 'failed to connect to `user=ferretdb database=ferretdb`:');
});

test('one warning per outage, counted reminders while it lasts, a new warning after a quiet spell', () => {
  const lines: Array<{ level: number; msg: string; failuresSinceLastWarning?: number; reason?: string }> = [];
  let now = 1_000_000;
  const log = outageLog(pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) }), () => now);
  const warnings = () => lines.filter((l) => l.level === 40);
  for (let i = 0; i < 50; i++, now += 100) log.report(ferretdbError('MongoServerError'), 'GET /interaction/x');
  assert.equal(warnings().length, 1);
  assert.equal(warnings()[0]?.reason, 'failed to connect to `user=ferretdb database=ferretdb`:');
  assert.doesNotMatch(JSON.stringify(lines), /\.go:\d+/);
  // a long outage: a reminder with the count every REMIND_MS
  for (let t = 0; t <= REMIND_MS; t += 10_000, now += 10_000) log.report(ferretdbError('MongoServerError'), 'mail outbox');
  assert.equal(warnings().length, 2);
  assert.ok((warnings()[1]?.failuresSinceLastWarning ?? 0) > 49);
  // quiet, then a new outage: warned again at once
  now += QUIET_MS + 1;
  log.report(ferretdbError('MongoBulkWriteError'), 'POST /token');
  assert.equal(warnings().length, 3);
  assert.equal(warnings()[2]?.msg, 'database unavailable: answering 503 until it is back');
});
