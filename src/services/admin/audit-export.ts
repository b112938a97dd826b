// Audit export formats: CSV (RFC 4180, spreadsheet formula injection neutralised) and JSON lines (B5).
import type { AuditRecord } from './ports.js';

// machine fields first (ids, ISO time, type code, raw details), then the event in words
export const AUDIT_COLUMNS = ['at', 'type', 'user_id', 'username', 'actor_id', 'actor', 'ip', 'user_agent', 'details', 'id', 'sentence'] as const;

// Cells a spreadsheet would run as a formula (OWASP "CSV Injection") get a leading single quote.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

export interface ExportRow {
  at: string;
  type: string;
  user_id: string | null;
  username: string | null;
  actor_id: string | null;
  actor: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  id: string;
  sentence?: string;
}

export function exportRow(e: AuditRecord, usernames: Map<string, string>, sentence?: string): ExportRow {
  return {
    at: e.at.toISOString(),
    type: e.type,
    user_id: e.userId,
    username: e.userId ? (usernames.get(e.userId) ?? null) : null,
    actor_id: e.actorId,
    actor: e.actorId ? (usernames.get(e.actorId) ?? null) : null,
    ip: e.ip,
    user_agent: e.userAgent,
    details: e.details,
    id: e.id,
    ...(sentence === undefined ? {} : { sentence }),
  };
}

export const csvHeader = (): string => csvRow([...AUDIT_COLUMNS]);
export const csvLine = (row: ExportRow): string => csvRow(AUDIT_COLUMNS.map((c) => row[c]));
// JSON.stringify escapes line breaks inside strings, so one event is always exactly one line.
export const jsonLine = (row: ExportRow): string => `${JSON.stringify(row)}\n`;
