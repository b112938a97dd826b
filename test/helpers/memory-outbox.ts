// An in-memory outbox for unit tests of the outbox workers, with the same claim semantics as the Mongo one (a unique
// marker per item and attempt).
import type { OutboxKind, OutboxPort, PendingDelivery } from '../../src/outbox/ports.js';

export function memoryOutbox<K extends OutboxKind = 'mail'>() {
  const rows = new Map<string, PendingDelivery<K> & { status: 'pending' | 'sent' | 'abandoned'; nextAttemptAt: Date; lastError?: string }>();
  const markers = new Map<string, Date>();
  let seq = 0;
  const port: OutboxPort<K> = {
    async enqueue(messages, now) {
      return messages.map((m) => {
        const id = `m${++seq}`;
        rows.set(id, { ...m, id, attempts: 0, status: 'pending', nextAttemptAt: now } as unknown as PendingDelivery<K> & { status: 'pending'; nextAttemptAt: Date });
        return id;
      });
    },
    async due(now, limit, exclude) {
      return [...rows.values()].filter((r) => r.status === 'pending' && r.nextAttemptAt <= now && !exclude.includes(r.id)).slice(0, limit).map((r) => ({ ...r }));
    },
    async claim(id, attempt, now) {
      if (markers.has(`${id}:${attempt}`)) return false;
      markers.set(`${id}:${attempt}`, now);
      return true;
    },
    async claimedAt(id, attempt) {
      return markers.get(`${id}:${attempt}`);
    },
    async hold(id, attempt, until) {
      const r = rows.get(id)!;
      if (r.status === 'pending' && r.attempts === attempt) r.nextAttemptAt = until;
    },
    async skipAttempt(id, attempt, now) {
      const r = rows.get(id)!;
      if (r.status === 'pending' && r.attempts === attempt) Object.assign(r, { attempts: attempt + 1, nextAttemptAt: now });
      return r.status === 'pending' && r.attempts === attempt + 1;
    },
    async markSent(id) {
      rows.get(id)!.status = 'sent';
    },
    async markFailed(id, attempt, nextAttemptAt, error) {
      const r = rows.get(id)!;
      if (r.status === 'pending' && r.attempts === attempt) Object.assign(r, { attempts: attempt + 1, nextAttemptAt, lastError: error });
    },
    async markAbandoned(id, attempt, _at, _keepUntil, error) {
      const r = rows.get(id)!;
      if (r.status === 'pending' && r.attempts === attempt) Object.assign(r, { status: 'abandoned', attempts: attempt + 1, lastError: error });
    },
  };
  return { port, rows, markers };
}
