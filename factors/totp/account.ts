// The authenticator app's pages on Security & ID: set up (S6) and reset (S12) through the enrolment wizard, with the
// proof the binding rule asks for first (src/services/binding; B17) and the password again (checklist 39, 58).
import Router from '@koa/router';
import type Koa from 'koa';
import type { AccountPages } from '../../src/account/kit.js';
import type { AccountSession } from '../../src/account/session.js';
import { advanceWizard, wizardInput, wizardView } from './wizard.js';
import type { TotpAccountSlice } from './state.js';

export const TOTP_WIZARD_PATH = '/account/mfa/wizard';

export function totpAccountRoutes(kit: AccountPages): Router {
  const { services } = kit;
  const router = new Router({ prefix: '/mfa' });
  const slice = async (s: AccountSession) => (await kit.state.load(s)).totp;

  // before the wizard begins, the second proof when the rule asks for one (the proof page leads back here)
  async function showWizard(ctx: Koa.Context, s: AccountSession, w: TotpAccountSlice, error?: string) {
    if (w.stage === 'begin' && (await kit.bindingNeeds(s, false)).kind === 'proof') return kit.proofPage(ctx, s, TOTP_WIZARD_PATH, error);
    const user = await kit.accountUser(s);
    const store = await services.users.storeById(user.storeId);
    if (!store) throw new Error(`account pages: store ${user.storeId} of user ${user.id} is missing`);
    const view = await wizardView(w, { app: services.factors.totp, codes: services.mfa }, { storePrefix: store.prefix, username: user.username, downloadUrl: '/account/mfa/codes.txt', credentialTypes: user.credentialTypes });
    kit.show(
      ctx,
      s,
      'totp-enrol',
      { ...view, action: TOTP_WIZARD_PATH, resetting: w.mode === 'reset' && user.credentialTypes.includes('totp'), reset: w.stage === 'begin' ? await kit.resetOf(ctx, user) : undefined, fromAccount: true },
      error,
    );
  }

  for (const mode of ['setup', 'reset'] as const) {
    router.post(`/${mode}`, async (ctx) => {
      const s = await kit.requireSession(ctx);
      if (!s) return;
      const err = await kit.guard(ctx, s, false);
      if (err) return kit.overview(ctx, s, undefined, err);
      await kit.state.update(s, { totp: { mode, stage: 'begin' } });
      ctx.status = 303;
      ctx.redirect(TOTP_WIZARD_PATH);
    });
  }

  router.get('/wizard', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const w = await slice(s);
    if (!w) return ctx.redirect('/account');
    await showWizard(ctx, s, w);
  });

  router.post('/wizard', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const w = await slice(s);
    if (!w) return ctx.redirect('/account');
    const parsed = wizardInput.safeParse(kit.body(ctx));
    if (!parsed.success) return showWizard(ctx, s, w, 'invalid_input');
    const err = await kit.guard(ctx, s, false);
    if (err) return showWizard(ctx, s, w, err);
    if (w.stage === 'begin' && (await kit.bindingNeeds(s, false)).kind === 'proof') return kit.proofPage(ctx, s, TOTP_WIZARD_PATH);
    const result = await advanceWizard(w, parsed.data, {
      app: services.factors.totp,
      codes: services.mfa,
      reauthenticate: (password) => kit.reauthenticate(ctx, s, password),
      // the grant is asked for right before the app is bound, with what this wizard proved
      authorize: (progress) => kit.authorize(s, Boolean(progress.passwordProved)),
      userId: s.accountId,
      ip: ctx.ip,
    });
    if (!result.ok) return showWizard(ctx, s, w, result.error);
    ctx.status = 303;
    if (result.next.done) {
      await kit.state.update(s, { totp: undefined });
      return ctx.redirect(w.mode === 'reset' ? '/account?done=mfa_reset' : '/account?done=mfa');
    }
    const next = { mode: w.mode, ...result.next };
    // a new authenticator ends the sessions elsewhere; this one stays, and has proved a factor (checklist 53)
    if (result.confirmed) await kit.bound(s, { totp: next });
    else await kit.state.update(s, { totp: next });
    ctx.redirect(TOTP_WIZARD_PATH);
  });

  return router;
}
