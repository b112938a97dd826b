// The admin console's "MFA coverage" page (B21): per role enrolled / asked by a date / overdue, the users without
// MFA, a reminder per user or for all (at most one per user and day), and temporary access passes for those without email.
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Coverage, RolloutUser } from '../services/rollout/index.js';
import { deadlineInWords } from '../services/rollout/deadline.js';
import { adminOf, type AdminKit } from './kit.js';
import { roleLabel, standingBadge, standingLabel } from './views.js';

const NOTICES = new Set(['sent', 'already_sent', 'no_email', 'not_due', 'sent_all']);

function coverageView(ctx: Koa.Context, cover: Coverage) {
  const a = adminOf(ctx);
  const words = (d: string | undefined) => (d ? deadlineInWords(d, a.locale) : '');
  const demandText = (r: Coverage['roles'][number]) => {
    if (r.demand.kind === 'required') return r.demand.deadline ? a.t('rollout.coverage.demand.enforced', { deadline: words(r.demand.deadline) }) : a.t('rollout.coverage.demand.required');
    if (r.demand.kind === 'by_date') return a.t('rollout.coverage.demand.by_date', { deadline: words(r.demand.rollout.deadline) });
    return a.t('rollout.coverage.demand.optional');
  };
  return {
    roles: cover.roles.map((r) => ({ ...r, label: roleLabel(a.t, r.role), demandText: demandText(r) })),
    // everyone still to set up MFA: whoever the store or an admin asks it of (nobody asks the "optional" ones)
    users: cover.users
      .filter((u) => u.standing !== 'optional')
      .map((u) => ({
        ...u,
        href: `/admin/users/${u.id}`,
        roleLabel: roleLabel(a.t, u.role),
        statusLabel: standingLabel(a.t, a.locale, u.standing, u.deadline),
        statusBadge: standingBadge(u.standing),
        countdown: u.standing === 'due' && u.daysLeft !== undefined ? (u.daysLeft === 0 ? a.t('rollout.prompt.last_day') : a.t('rollout.prompt.days_left', { count: u.daysLeft })) : '',
        // a reminder where the store's policy asks; after a reset, or without an address, a pass handed over in person
        remindable: u.hasEmail && u.standing !== 'reset',
      })),
    truncated: cover.truncated,
  };
}

export function registerRolloutPages(router: Router, kit: AdminKit): void {
  const authed = kit.authenticate('page');
  const { services } = kit;
  const seeOther = (ctx: Koa.Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };

  router.get('/mfa-coverage', authed, async (ctx) => {
    const a = adminOf(ctx);
    const cover = await services.rollout.coverage(a.store);
    const done = typeof ctx.query.done === 'string' && NOTICES.has(ctx.query.done) ? ctx.query.done : undefined;
    const count = Number(ctx.query.count);
    kit.show(ctx, 'admin-mfa-coverage', 'coverage', {
      ...coverageView(ctx, cover),
      notice: done ? a.t(`rollout.coverage.notice.${done}`, { count: Number.isInteger(count) && count >= 0 ? count : 0 }) : undefined,
    });
  });

  // the user, if they are an active user of the admin's store without MFA
  const target = async (ctx: Koa.Context, id: string): Promise<RolloutUser | undefined> => {
    const a = adminOf(ctx);
    const user = await services.users.byId(id);
    if (!user || user.storeId !== a.store.id || !user.active || user.mfaEnabled) return undefined;
    return { id: user.id, name: user.name, username: user.username, role: user.role, hasEmail: Boolean(user.email?.trim()), mustEnrol: user.mustEnrol };
  };

  router.post('/mfa-coverage/users/:id/remind', authed, async (ctx) => {
    const a = adminOf(ctx);
    const user = await target(ctx, ctx.params.id);
    if (!user) return kit.show(ctx, 'error', 'coverage', { title: a.t('admin.errors.title'), message: a.t('admin.errors.not_found'), backUrl: '/admin/mfa-coverage' }, 404);
    const outcome = await services.rollout.remind(a.store, user, a.actor);
    seeOther(ctx, `/admin/mfa-coverage?done=${outcome}`);
  });

  router.post('/mfa-coverage/remind-all', authed, async (ctx) => {
    const a = adminOf(ctx);
    const cover = await services.rollout.coverage(a.store);
    let sent = 0;
    for (const user of cover.users) {
      if (!user.hasEmail) continue;
      if ((await services.rollout.remind(a.store, user, a.actor)) === 'sent') sent++;
    }
    seeOther(ctx, `/admin/mfa-coverage?done=sent_all&count=${sent}`);
  });
}
