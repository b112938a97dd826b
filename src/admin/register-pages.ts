// Admin console: trusted registers (B19). "Trust this register" is done on the register itself (its browser gets the
// register cookie); the list shows every register of the store, which can be renamed and revoked (at once).
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Locale } from '../http/i18n.js';
import { z } from 'zod';
import { setRegisterCookie, type RegisterCookie } from '../http/register-cookie.js';
import { adminOf, type AdminKit } from './kit.js';
import { dateTime } from './views.js';
import { zoneChoices } from '../services/policy/time-zone.js';

const NOTICES = new Set(['trusted', 'revoked', 'renamed', 'business_day']);
const registerName = z.string().trim().min(1).max(40);

// the store country's zones first, then every other one (issue 23): a store rarely wants a zone outside its country
function zoneGroups(country: string, locale: Locale, chosen: string | null) {
  const { country: name, inCountry, others } = zoneChoices(country, locale);
  const mark = (list: typeof others) => list.map((z) => ({ ...z, selected: z.value === chosen }));
  return { countryName: name, inCountry: mark(inCountry), others: mark(others) };
}

export function registerTrustedRegisterPages(router: Router, kit: AdminKit, cookie: RegisterCookie): void {
  const authed = kit.authenticate('page');
  const { quickSwitch } = kit.services;
  const actorOf = (ctx: Koa.Context) => {
    const a = adminOf(ctx).actor;
    return { id: a.id, storeId: a.storeId, ip: a.ip, userAgent: a.userAgent };
  };
  const seeOther = (ctx: Koa.Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };

  async function list(ctx: Koa.Context, error?: string, status = 200) {
    const a = adminOf(ctx);
    const here = await quickSwitch.fromCookie(ctx.cookies.get(cookie.name));
    const registers = await quickSwitch.list(a.store.id);
    const day = await quickSwitch.businessDay(a.store.id);
    const done = typeof ctx.query.done === 'string' && NOTICES.has(ctx.query.done) ? ctx.query.done : undefined;
    kit.show(
      ctx,
      'admin-registers',
      'registers',
      {
        notice: done ? a.t(`admin-registers.notice.${done}`) : undefined,
        error: error ? a.t(`admin-registers.errors.${error}`) : undefined,
        here: here && here.storeId === a.store.id ? here.name : undefined,
        hereElsewhere: Boolean(here && here.storeId !== a.store.id),
        businessDay: {
          byCountry: !day?.chosen,
          zone: day?.zone,
          zones: zoneGroups(a.store.country, a.locale, day?.chosen ?? null),
          hours: Array.from({ length: 24 }, (_, h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00`, selected: (day?.startHour ?? 0) === h })),
        },
        registers: registers.map((r) => ({
          id: r.id,
          name: r.name,
          createdAt: dateTime(a.locale, r.createdAt),
          lastSeenAt: r.lastSeenAt ? dateTime(a.locale, r.lastSeenAt) : a.t('admin-registers.never'),
          revoked: Boolean(r.revokedAt),
          revokedAt: dateTime(a.locale, r.revokedAt),
          thisOne: here?.id === r.id,
        })),
      },
      status,
    );
  }

  router.get('/registers', authed, (ctx) => list(ctx));

  // Trust the browser this page is open in; one register per browser
  router.post('/registers', authed, async (ctx) => {
    const name = registerName.safeParse(kit.body(ctx).name);
    if (!name.success) return list(ctx, 'name', 400);
    if (await quickSwitch.fromCookie(ctx.cookies.get(cookie.name))) return list(ctx, 'already', 409);
    const { secret } = await quickSwitch.trust(actorOf(ctx), name.data);
    setRegisterCookie(ctx, cookie, secret);
    seeOther(ctx, '/admin/registers?done=trusted');
  });

  // The business day that bounds quick switching: a time zone (or the country's) and the hour it starts
  router.post('/registers/business-day', authed, async (ctx) => {
    const b = kit.body(ctx);
    const zone = typeof b.timeZone === 'string' && b.timeZone !== 'country' ? b.timeZone : null;
    const hour = typeof b.startHour === 'string' && /^\d{1,2}$/.test(b.startHour) ? Number(b.startHour) : Number.NaN;
    if (!(await quickSwitch.setBusinessDay(actorOf(ctx), zone, hour))) return list(ctx, 'business_day', 400);
    seeOther(ctx, '/admin/registers?done=business_day');
  });

  router.post('/registers/:id/rename', authed, async (ctx) => {
    const name = registerName.safeParse(kit.body(ctx).name);
    if (!name.success) return list(ctx, 'name', 400);
    if (!(await quickSwitch.rename(actorOf(ctx), ctx.params.id, name.data))) return list(ctx, 'not_found', 404);
    seeOther(ctx, '/admin/registers?done=renamed');
  });

  // Revocation ends quick switching there at once: the cookie no longer names a live register
  router.post('/registers/:id/revoke', authed, async (ctx) => {
    const here = await quickSwitch.fromCookie(ctx.cookies.get(cookie.name));
    if (!(await quickSwitch.revoke(actorOf(ctx), ctx.params.id))) return list(ctx, 'not_found', 404);
    if (here?.id === ctx.params.id) setRegisterCookie(ctx, cookie, null);
    seeOther(ctx, '/admin/registers?done=revoked');
  });
}
