// The store's audit log for admins: filter by user, event type and time, page through it, export it (B5; checklist 65).
import type { AuditRecorder } from '../audit/index.js';
import type { AdminUserPort, AuditFilter, AuditQueryPort } from './ports.js';
import { isConsoleRole, type Party } from './rules.js';
import { csvHeader, csvLine, exportRow, jsonLine, type ExportRow } from './audit-export.js';

export interface AuditQueryInput {
  /** a username of the store, or a user id */
  user?: string;
  /** event type or its prefix ("mfa." matches every MFA event) */
  type?: string;
  from?: Date;
  /** exclusive */
  to?: Date;
}

export type ExportFormat = 'csv' | 'jsonl';

/** The most events one export returns; narrow the filter for more. */
export const EXPORT_LIMIT = 50_000;

export function createAdminAuditService(deps: { events: AuditQueryPort; users: AdminUserPort; audit: AuditRecorder }) {
  // undefined: the user filter names nobody in this store, so nothing can match
  async function filterFor(actor: Party, input: AuditQueryInput): Promise<AuditFilter | undefined> {
    const filter: AuditFilter = { storeId: actor.storeId, type: input.type?.trim() || undefined, from: input.from, to: input.to };
    const who = input.user?.trim();
    if (who) {
      const user = (await deps.users.inStore(actor.storeId, who)) ?? (await deps.users.byUsername(actor.storeId, who));
      if (!user) return undefined;
      filter.userId = user.id;
    }
    return filter;
  }

  return {
    async page(actor: Party, input: AuditQueryInput, page: number, pageSize: number) {
      if (!isConsoleRole(actor.role)) throw new Error('not an admin');
      const filter = await filterFor(actor, input);
      const names = await deps.users.usernames(actor.storeId);
      const { events, total } = filter ? await deps.events.page(filter, (page - 1) * pageSize, pageSize) : { events: [], total: 0 };
      return { events: events.map((e) => ({ id: e.id, ...exportRow(e, names) })), total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
    },

    /** The export, chunk by chunk; the export itself is audited first. */
    async *export(actor: Party & { ip?: string; userAgent?: string }, input: AuditQueryInput, format: ExportFormat): AsyncGenerator<string> {
      if (!isConsoleRole(actor.role)) throw new Error('not an admin');
      const filter = await filterFor(actor, input);
      await deps.audit.record({
        type: 'admin.audit_exported',
        storeId: actor.storeId,
        actorId: actor.id,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details: { format, user: input.user ?? null, type: input.type ?? null, from: input.from?.toISOString() ?? null, to: input.to?.toISOString() ?? null },
      });
      const names = await deps.users.usernames(actor.storeId);
      const line = (row: ExportRow) => (format === 'csv' ? csvLine(row) : jsonLine(row));
      if (format === 'csv') yield csvHeader();
      if (!filter) return;
      for await (const e of deps.events.each(filter, EXPORT_LIMIT)) yield line(exportRow(e, names));
    },
  };
}

export type AdminAuditService = ReturnType<typeof createAdminAuditService>;
