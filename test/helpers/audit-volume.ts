// A year of a busy store's audit log as the provider writes it, in bulk through the recorder's writer (the index test and bench/audit.ts).
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../src/models/index.js';
import { auditWriterFor } from '../../src/models/stores/audit-writer.js';

const DAY_MS = 86_400_000;
const BATCH = 2_000;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

// per 10,000 events of a busy store: sign-ins and quick switches dominate, policy changes are rare
const MIX: Array<[type: string, per10k: number]> = [
  ['signin.success', 5500],
  ['quick_switch.switched', 800],
  ['session.ended', 800],
  ['signin.password_failed', 600],
  ['logout.backchannel_sent', 600],
  ['signin.totp_failed', 200],
  ['admin.signin', 200],
  ['approval.granted', 200],
  ['approval.used', 200],
  ['device.revoked', 100],
  ['password.changed', 100],
  ['breach.detected', 50],
  ['account.locked', 30],
  ['mfa.recovery_code_used', 30],
  ['email.verified', 20],
  ['access_pass.used', 20],
  ['notification.undeliverable', 10],
  ['admin.user_created', 10],
  ['admin.audit_exported', 5],
  ['admin.policy_changed', 5],
];
const TOTAL = MIX.reduce((s, [, n]) => s + n, 0);

function pickType(): string {
  let x = Math.random() * TOTAL;
  for (const [type, n] of MIX) {
    x -= n;
    if (x < 0) return type;
  }
  return 'signin.success';
}

// an ObjectId made at `at`, as the provider's own ids are (time first, then random)
function idAt(at: Date): Types.ObjectId {
  const b = randomBytes(12);
  b.writeUInt32BE(Math.floor(at.getTime() / 1000), 0);
  return new Types.ObjectId(b);
}

function detailsOf(type: string, i: number): Record<string, unknown> {
  if (type === 'signin.success') return { clientId: 'bench-client', amr: ['pwd', 'otp', 'mfa'], stepUp: false, secondFactor: 'totp' };
  if (type === 'signin.password_failed') return { username: `user${i % 50}`, reason: 'password' };
  if (type.startsWith('approval.')) return { action: 'refund', amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: `T-${i}` };
  return { clientId: 'bench-client' };
}

export interface StoreLog {
  storeId: Types.ObjectId;
  /** the people events are about; the first is the admin, the second a manager */
  people: Types.ObjectId[];
  events: number;
}

/** A store's events over the `days` before `now`, in business hours (07-22 UTC). */
function* storeEvents(log: StoreLog, now: number, days: number) {
  const [admin, manager] = log.people;
  for (let i = 0; i < log.events; i++) {
    const day = Math.floor(Math.random() * days);
    const at = new Date(Math.min(now - 1, now - days * DAY_MS + day * DAY_MS + (7 + Math.random() * 15) * 3_600_000));
    const type = pickType();
    const user = log.people[2 + Math.floor(Math.random() * (log.people.length - 2))] ?? admin;
    const actor = type.startsWith('admin.') ? admin : type.startsWith('approval.') ? manager : user;
    yield { _id: idAt(at), at, type, storeId: log.storeId, userId: user, actorId: actor, ip: `10.0.${i % 250}.${i % 200}`, userAgent: UA, details: detailsOf(type, i) };
  }
}

/** Writes the stores' logs in bulk through the recorder's writer (buckets and periods included); returns events written. */
export async function writeAuditLogs(models: Models, logs: StoreLog[], opts: { days: number; log: (msg: string) => void }): Promise<number> {
  const writer = auditWriterFor(models.AuditEvent.collection);
  const now = Date.now();
  const total = logs.reduce((s, l) => s + l.events, 0);
  let written = 0;
  let batch: Array<Record<string, unknown> & { at: Date; type: string }> = [];
  const t0 = Date.now();
  const flush = async () => {
    await writer.insert(batch);
    written += batch.length;
    batch = [];
    if (written % 100_000 < BATCH) opts.log(`audit: ${written} of ${total} events written (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  };
  for (const log of logs) {
    for (const e of storeEvents(log, now, opts.days)) {
      batch.push(e);
      if (batch.length === BATCH) await flush();
    }
  }
  if (batch.length) await flush();
  return written;
}
