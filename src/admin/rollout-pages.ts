// The admin console's "MFA coverage" page (B21): per role enrolled / asked by a date / overdue, the users without
// MFA, a reminder per user or for all (at most one per user and day), and temporary access passes for those without email.
import type Router from '@koa/router';
import type Koa from 'koa';
import { randomBytes } from 'node:crypto';
import type { Coverage, RolloutUser } from '../services/rollout/index.js';
import type { AdminUserSummary } from '../services/admin/index.js';
import { denialFor } from '../services/admin/rules.js';
import { momentInWords, storeTimeZone } from '../services/policy/time-zone.js';
import { deadlineInWords } from '../services/rollout/deadline.js';
import { adminOf, errorKey, statusOf, type AdminKit, type AdminRequest } from './kit.js';
import { roleLabel, standingBadge, standingDetail, standingLabel } from './views.js';

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
        statusLabel: standingLabel(a.t, u.standing),
        statusDetail: standingDetail(a.t, a.locale, u.standing, u.deadline),
        statusBadge: standingBadge(u.standing),
        countdown: u.standing === 'due' && u.daysLeft !== undefined ? (u.daysLeft === 0 ? a.t('rollout.prompt.last_day') : a.t('rollout.prompt.days_left', { count: u.daysLeft })) : '',
        // a reminder where the store's policy asks; after a reset, or without an address, a pass handed over in person
        remindable: u.hasEmail && u.standing !== 'reset',
      })),
    truncated: cover.truncated,
  };
}

/** Everyone listed as still to set up MFA whom this admin may make a pass for (not themself; the owner only by the owner). */
const passTargets = (a: AdminRequest, cover: Coverage) =>
  cover.users.filter((u) => u.standing !== 'optional' && denialFor(a.actor, { id: u.id, storeId: a.store.id, role: u.role }, 'issue_pass') === null);

/** One slip, in its reader's language (their own, else the store's): who, where, the pass and until when (store time). */
function slipView(kit: AdminKit, a: AdminRequest, issued: { user: AdminUserSummary; pass: string; expiresAt: Date }) {
  const locale = issued.user.locale ?? a.store.locale;
  const t = (key: string, vars?: Record<string, string | number>) => kit.render.t(locale, key, vars);
  const until = momentInWords(issued.expiresAt, locale, storeTimeZone({ country: a.store.country, timeZone: a.store.policy.timeZone }), kit.services.clock());
  return {
    locale,
    name: issued.user.name,
    username: issued.user.username,
    storePrefix: a.store.prefix,
    pass: issued.pass,
    words: {
      title: t('rollout.slips.slip_title'),
      name: t('admin.field.name'),
      username: t('common.username'),
      store: t('store.label'),
      pass: t('enrol-proof.label'),
      expires: t('rollout.slips.valid_until'),
      until: t('rollout.slips.until', until),
      how: t('rollout.slips.how'),
    },
  };
}

export function registerRolloutPages(router: Router, kit: AdminKit): void {
  const authed = kit.authenticate('page');
  const { services } = kit;
  const seeOther = (ctx: Koa.Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };

  const coveragePage = async (ctx: Koa.Context, error?: string) => {
    const a = adminOf(ctx);
    const cover = await services.rollout.coverage(a.store);
    const done = typeof ctx.query.done === 'string' && NOTICES.has(ctx.query.done) ? ctx.query.done : undefined;
    const count = Number(ctx.query.count);
    kit.show(
      ctx,
      'admin-mfa-coverage',
      'coverage',
      {
        ...coverageView(ctx, cover),
        // passes for everyone listed that this admin may make one for, printed as slips; the form is answered once
        slips: { count: passTargets(a, cover).length, batch: randomBytes(16).toString('base64url'), hours: services.config.accessPassHours },
        notice: done ? a.t(`rollout.coverage.notice.${done}`, { count: Number.isInteger(count) && count >= 0 ? count : 0 }) : undefined,
        error: error ? a.t(errorKey(error)) : undefined,
      },
      error ? statusOf(error) : 200,
    );
  };

  router.get('/mfa-coverage', authed, (ctx) => coveragePage(ctx));

  // Temporary access passes for everyone still to set up MFA, shown once as printable slips (issue 19, B17)
  router.post('/mfa-coverage/passes', authed, async (ctx) => {
    const a = adminOf(ctx);
    const b = kit.body(ctx);
    const batch = typeof b.batch === 'string' && /^[\w-]{16,64}$/.test(b.batch) ? b.batch : '';
    const targets = passTargets(a, await services.rollout.coverage(a.store));
    const outcome = await kit.admin.users.issueRolloutPasses(
      a.actor,
      targets.map((u) => u.id),
      { password: typeof b.password === 'string' ? b.password : '', once: () => (batch ? services.claimOnce(`pass-slips:${a.session.key}:${batch}`, 86_400_000) : Promise.resolve(false)) },
    );
    if (!outcome.ok && outcome.error === 'already_shown')
      return kit.show(ctx, 'error', 'coverage', { title: a.t('rollout.slips.gone_title'), message: a.t(errorKey('already_shown')), backUrl: '/admin/mfa-coverage' }, statusOf('already_shown'));
    if (!outcome.ok) return coveragePage(ctx, outcome.error);
    kit.show(ctx, 'admin-pass-slips', 'coverage', { slips: outcome.value.issued.map((i) => slipView(kit, a, i)), skipped: outcome.value.skipped });
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
