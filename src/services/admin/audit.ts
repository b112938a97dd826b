// The store's audit log for admins: filter by user, category, event type and time, page through it, export it (B5; checklist 65).
import type { AuditRecorder } from '../audit/index.js';
import type { AuditCategory } from '../audit/categories.js';
import type { AdminUserPort, AuditCursor, AuditFilter, AuditPerson, AuditQueryPort, AuditRecord } from './ports.js';
import { isConsoleRole, type Party } from './rules.js';
import { csvHeader, csvLine, exportRow, jsonLine, type ExportRow } from './audit-export.js';

export interface AuditQueryInput {
  /** a username of the store, or a user id */
  user?: string;
  /** a category of events (sign-in, MFA, ...) */
  category?: AuditCategory;
  /** event type or its prefix ("mfa." matches every MFA event); for API callers */
  type?: string;
  from?: Date;
  /** exclusive */
  to?: Date;
}

export type ExportFormat = 'csv' | 'jsonl';

export interface AuditPage {
  events: AuditRecord[];
  people: Map<string, AuditPerson>;
  newer: boolean;
  older: boolean;
  /** how many events come before this page (newer ones), when known */
  before?: number;
  /** how many events match, when known: the page reaches the oldest one and its place is known */
  total?: number;
}

/** An event in words for the export, in the exporter's language (made by the caller: the service knows no language). */
export type DescribeEvent = (event: AuditRecord, people: Map<string, AuditPerson>) => string | Promise<string>;

/** The most events one export returns; narrow the filter for more. */
export const EXPORT_LIMIT = 50_000;
const EXPORT_BATCH = 500;

const idsOf = (events: readonly AuditRecord[]) => events.flatMap((e) => [e.userId, e.actorId]).filter((id): id is string => Boolean(id));
const usernamesOf = (people: Map<string, AuditPerson>) => new Map([...people].map(([id, p]) => [id, p.username]));

export function createAdminAuditService(deps: { events: AuditQueryPort; users: AdminUserPort; audit: AuditRecorder }) {
  // undefined: the user filter names nobody in this store, so nothing can match
  async function filterFor(actor: Party, input: AuditQueryInput): Promise<AuditFilter | undefined> {
    const filter: AuditFilter = {
      storeId: actor.storeId,
      type: input.type?.trim() || undefined,
      category: input.category,
      from: input.from,
      to: input.to,
    };
    const who = input.user?.trim();
    if (who) {
      const user = (await deps.users.inStore(actor.storeId, who)) ?? (await deps.users.byUsername(actor.storeId, who));
      if (!user) return undefined;
      filter.userId = user.id;
    }
    return filter;
  }

  const people = (actor: Party, events: readonly AuditRecord[]) => deps.users.people(actor.storeId, idsOf(events));

  return {
    /**
     * A page next to a cursor (newest first), for the console and the API: the events, who they name (one read for the
     * page), and whether there are newer or older ones. A "newer" page that reaches the top is the newest page itself.
     * There is no count (on the embedded database it would read every event): `before`, the number of newer events the
     * link to this page carried, places the page (events 51-100) and gives the total once the oldest event is shown.
     */
    async browse(actor: Party, input: AuditQueryInput, cursor: AuditCursor | undefined, pageSize: number, before?: number): Promise<AuditPage> {
      if (!isConsoleRole(actor.role)) throw new Error('not an admin');
      const filter = await filterFor(actor, input);
      if (!filter) return { events: [], people: new Map(), newer: false, older: false, before: 0, total: 0 };
      let found = await deps.events.around(filter, cursor, pageSize + 1);
      let at = cursor;
      let place = cursor ? before : 0;
      if (cursor?.direction === 'newer' && found.length <= pageSize) {
        at = undefined;
        place = 0;
        found = await deps.events.around(filter, undefined, pageSize + 1);
      }
      const more = found.length > pageSize;
      const events = at?.direction === 'newer' ? found.slice(-pageSize) : found.slice(0, pageSize);
      const older = at?.direction === 'newer' ? true : more;
      return {
        events,
        people: await people(actor, events),
        newer: at !== undefined && (at.direction === 'older' || more),
        older,
        before: place,
        total: place !== undefined && !older ? place + events.length : undefined,
      };
    },

    /** The export, chunk by chunk, each event with its sentence; the export itself is audited first. */
    async *export(actor: Party & { ip?: string; userAgent?: string }, input: AuditQueryInput, format: ExportFormat, describe: DescribeEvent): AsyncGenerator<string> {
      if (!isConsoleRole(actor.role)) throw new Error('not an admin');
      const filter = await filterFor(actor, input);
      await deps.audit.record({
        type: 'admin.audit_exported',
        storeId: actor.storeId,
        actorId: actor.id,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details: { format, user: input.user ?? null, category: input.category ?? null, type: input.type ?? null, from: input.from?.toISOString() ?? null, to: input.to?.toISOString() ?? null },
      });
      const line = (row: ExportRow) => (format === 'csv' ? csvLine(row) : jsonLine(row));
      if (format === 'csv') yield csvHeader();
      if (!filter) return;
      let batch: AuditRecord[] = [];
      const flush = async function* () {
        const found = await people(actor, batch);
        const names = usernamesOf(found);
        for (const e of batch) yield line(exportRow(e, names, await describe(e, found)));
        batch = [];
      };
      for await (const e of deps.events.each(filter, EXPORT_LIMIT)) {
        batch.push(e);
        if (batch.length === EXPORT_BATCH) yield* flush();
      }
      if (batch.length) yield* flush();
    },
  };
}

export type AdminAuditService = ReturnType<typeof createAdminAuditService>;
