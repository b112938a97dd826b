// The admin console's audit log: events as translated sentences, filtered by user, category and date, paged by cursor, exported.
import { Readable } from 'node:stream';
import type Router from '@koa/router';
import type Koa from 'koa';
import { AUDIT_CATEGORIES } from '../services/audit/categories.js';
import type { AuditPerson, AuditRecord } from '../services/admin/ports.js';
import { auditQuery, cursorOf } from './input.js';
import { adminOf, errorKey, statusOf, type AdminKit, type AdminRequest } from './kit.js';
import { auditRow, auditSentence, type AuditWords } from './audit-words.js';
import { queryString } from './views.js';

const AUDIT_PAGE_SIZE = 50;

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : undefined);

/** "120 events", "51–100 of 120 events", "1–50 of more than 50 events"; nothing when the page's place is unknown. */
function countLine(t: AdminRequest['t'], shown: number, before: number | undefined, total: number | undefined): string | undefined {
  if (before === undefined) return undefined;
  if (total !== undefined && before === 0) return t('admin-audit.count', { count: total });
  const range = { first: before + 1, last: before + shown };
  return total === undefined ? t('admin-audit.range_more', range) : t('admin-audit.range_of', { ...range, count: total });
}

export function registerAuditPages(router: Router, kit: AdminKit): void {
  const { admin } = kit;
  const authed = kit.authenticate('page');

  // client names for the events' client ids, looked up once per id
  const clientNames = () => {
    const known = new Map<string, string | undefined>();
    return {
      async load(events: readonly AuditRecord[]) {
        for (const e of events) {
          const id = e.details.clientId;
          if (typeof id === 'string' && !known.has(id)) known.set(id, await kit.clientName(id));
        }
      },
      name: (id: string) => known.get(id),
    };
  };
  const words = (a: AdminRequest, people: Map<string, AuditPerson>, names: ReturnType<typeof clientNames>): AuditWords => ({
    t: a.t,
    locale: a.locale,
    people,
    clientName: names.name,
  });

  router.get('/audit', authed, async (ctx) => {
    const a = adminOf(ctx);
    const q = auditQuery.safeParse(ctx.query);
    const filters = { user: str(ctx.query.user), category: str(ctx.query.category), type: str(ctx.query.type), from: str(ctx.query.from), to: str(ctx.query.to) };
    const result = q.success ? await admin.audit.browse(a.actor, q.data.filter, q.data.cursor, AUDIT_PAGE_SIZE, q.data.before) : undefined;
    const events = result?.events ?? [];
    const names = clientNames();
    await names.load(events);
    const w = words(a, result?.people ?? new Map(), names);
    const first = events[0];
    const last = events.at(-1);
    const before = result?.before;
    const link = (extra: Record<string, string>) => `/admin/audit${queryString({ ...filters, ...extra })}`;
    // the pager's links carry how many newer events come before the page they open, to number its events
    const at = (n: number | undefined): Record<string, string> => (n === undefined ? {} : { before: String(Math.max(0, n)) });
    kit.show(
      ctx,
      'admin-audit',
      'audit',
      {
        filters,
        categories: AUDIT_CATEGORIES.map((id) => ({ id, label: a.t(`audit.category.${id}`), selected: id === filters.category })),
        error: q.success ? undefined : a.t(errorKey('invalid_filter')),
        events: events.map((e) => auditRow(w, e)),
        count: result ? countLine(a.t, events.length, before, result.total) : undefined,
        pager: {
          show: Boolean(result?.newer || result?.older),
          newest: result?.newer ? link({}) : undefined,
          newer: result?.newer && first ? link({ newer: cursorOf(first), ...at(before === undefined ? undefined : before - AUDIT_PAGE_SIZE) }) : undefined,
          older: result?.older && last ? link({ older: cursorOf(last), ...at(before === undefined ? undefined : before + events.length) }) : undefined,
        },
        csvUrl: `/admin/audit.csv${queryString(filters)}`,
        jsonlUrl: `/admin/audit.jsonl${queryString(filters)}`,
      },
      q.success ? 200 : 400,
    );
  });

  // Exports with the same filters, streamed, each event with its sentence in the exporter's language; every export is
  // itself audited (B5).
  for (const format of ['csv', 'jsonl'] as const) {
    router.get(`/audit.${format}`, authed, async (ctx: Koa.Context) => {
      const a = adminOf(ctx);
      const q = auditQuery.safeParse(ctx.query);
      if (!q.success) {
        return kit.show(ctx, 'error', 'audit', { title: a.t('admin.errors.title'), message: a.t(errorKey('invalid_filter')), backUrl: '/admin/audit' }, statusOf('invalid_filter'));
      }
      const names = clientNames();
      const describe = async (e: AuditRecord, people: Map<string, AuditPerson>) => {
        await names.load([e]);
        return auditSentence(words(a, people, names), e);
      };
      const stamp = new Date().toISOString().slice(0, 10);
      ctx.set('Content-Disposition', `attachment; filename="audit-${a.store.prefix}-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8';
      ctx.body = Readable.from(admin.audit.export(a.actor, q.data.filter, format, describe));
    });
  }
}
