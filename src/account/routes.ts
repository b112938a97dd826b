// The user's own "Security & ID" pages: MFA status, set up / reset / remove, recovery codes, remembered devices (S6, S12, S13, B10, B11).
import { createHash, randomBytes } from 'node:crypto';
import { addressInWords, userAgentInWords } from '../http/session-rows.js';
import { accountLanguageRoutes } from './language-routes.js';
import { accountPinRoutes } from './pin-routes.js';
import { languageChoiceOf } from '../http/language-choice.js';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { LOW_RECOVERY_CODES } from '../services/mfa/index.js';
import { ACR } from '../provider/acr.js';
import { advanceWizard, wizardInput, wizardView, type WizardProgress } from '../../factors/totp/wizard.js';
import { factors } from '../../factors/index.js';
import type { AccountSession } from './session.js';
import { enrolmentPassRequired } from '../services/access-passes/index.js';
import { accountKeys, accountKit, type AccountDeps } from './kit.js';
import { sessionRows } from '../http/session-rows.js';
import { providerBackLinks } from '../http/back-link.js';

interface WizardState extends WizardProgress {
  uid: string;
  mode: 'setup' | 'reset';
  /** a first authenticator that needs a temporary access pass (B17) before the wizard starts */
  needsPass?: boolean;
}

const ACCOUNT_CLIENT = 'account-console';

const NOTICES: Record<string, string> = {
  mfa: 'account.notice_mfa',
  mfa_reset: 'account.notice_mfa_reset',
  removed: 'account.notice_removed',
  devices: 'account.notice_devices',
  password: 'credentials.notice_password',
  email: 'credentials.notice_email',
  language: 'language.notice',
  sessions: 'sessions.notice_ended',
  pin_set: 'quick_switch.account.notice_set',
  pin_changed: 'quick_switch.account.notice_changed',
  pin_removed: 'quick_switch.account.notice_removed',
  ...Object.assign({}, ...factors.map((f) => f.accountNotices ?? {})),
};

export function accountRouter(deps: AccountDeps): Router {
  const kit = accountKit(deps);
  const { services, render, locale, body, show, guard, reauthenticate, accountUser } = kit;
  const router = new Router({ prefix: '/account' });
  router.use(providerBackLinks(deps.provider, deps.issuer));
  const wizardKey = accountKeys.wizard;
  const breachKey = accountKeys.breach;
  const codesKey = accountKeys.codes;
  const loadWizard = async (s: AccountSession) => (await services.accountWizards.load(wizardKey(s))) as unknown as WizardState | undefined;

  // a set-up wizard whose own confirm stage just turned MFA on may show its codes in a password-only session
  const requireSession = (ctx: Koa.Context, opts: { inWizard?: boolean } = {}) => kit.requireSession(ctx, opts.inWizard ? () => wizardShowingCodes(ctx) : undefined);
  async function wizardShowingCodes(ctx: Koa.Context) {
    const session = await kit.sessions.current(ctx);
    const w = session && (await loadWizard(session));
    return w?.stage === 'codes' && Boolean(w.codesSealed);
  }

  async function overview(ctx: Koa.Context, s: AccountSession, notice?: string, error?: string) {
    // the page of newly regenerated codes is no longer current: they are not offered again (checklist 44)
    await services.accountWizards.remove(codesKey(s));
    const user = await accountUser(s);
    await services.languages.used(user, locale(ctx));
    const store = await services.users.storeById(user.storeId);
    const remaining = user.mfaEnabled ? await services.mfa.remainingCodes(user.id) : 0;
    const devices = await services.devices.list(user.id);
    const sessions = await services.sessions.list(user.id, s.sessionId);
    const clientNames = new Map<string, string | undefined>();
    for (const id of new Set(sessions.flatMap((x) => x.clientIds))) clientNames.set(id, (await deps.provider.Client.find(id))?.clientName);
    const t = (key: string, vars?: Record<string, string | number>) => render.t(locale(ctx), key, vars);
    const noticeKey = notice ? NOTICES[notice] : undefined;
    const factorSections = [];
    for (const factor of factors) if (factor.account) factorSections.push({ partial: factor.account.partial, view: await factor.account.view(user, kit) });
    show(
      ctx,
      s,
      'account',
      {
        user,
        storeName: store?.name,
        mfaRequired: store ? services.policy.required(user, store, { requireMfa: false }) : true,
        hasApp: user.credentialTypes.includes('totp'),
        factorSections,
        remaining,
        fewCodesLeft: user.mfaEnabled && remaining <= LOW_RECOVERY_CODES,
        devices: devices.map((d) => ({
          ...d,
          device: userAgentInWords(t, d.userAgent),
          ip: addressInWords(t, d.ip),
          createdAt: d.createdAt.toISOString().slice(0, 10),
          expiresAt: d.expiresAt.toISOString().slice(0, 10),
        })),
        sessions: sessionRows(t, locale(ctx), sessions, (id) => clientNames.get(id)),
        otherSessions: sessions.some((x) => !x.current),
        notice: noticeKey ? render.t(locale(ctx), noticeKey) : undefined,
        breachWarning: Boolean(await services.accountWizards.load(breachKey(s))),
        language: languageChoiceOf(user.locale, user.localeChosen),
        pinSet: await services.quickSwitch.hasPin(user.id),
      },
      error,
    );
  }

  // Signing in to the account pages is an ordinary authorization request of a first-party client.
  router.get('/login', async (ctx) => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL('/auth', deps.issuer);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${deps.issuer}/account/callback`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(typeof ctx.query.ui_locales === 'string' ? { ui_locales: ctx.query.ui_locales } : {}),
      ...(ctx.query.mfa === '1' ? { acr_values: ACR.mfa } : {}),
    }).toString();
    ctx.redirect(url.toString());
  });
  // The session cookie is what these pages use; the code itself is not needed and simply expires.
  router.get('/callback', (ctx) => ctx.redirect('/account'));

  router.get('/', async (ctx) => {
    const s = await requireSession(ctx);
    const done = typeof ctx.query.done === 'string' && Object.hasOwn(NOTICES, ctx.query.done) ? ctx.query.done : undefined;
    if (s) await overview(ctx, s, done);
  });

  async function showWizard(ctx: Koa.Context, s: AccountSession, w: WizardState, error?: string) {
    if (w.needsPass) return show(ctx, s, 'enrol-proof', { action: '/account/mfa/pass', canEmail: false }, error);
    const user = await accountUser(s);
    const store = await services.users.storeById(user.storeId);
    if (!store) throw new Error(`account pages: store ${user.storeId} of user ${user.id} is missing`);
    const view = await wizardView(w, { app: services.factors.totp, codes: services.mfa }, { storePrefix: store.prefix, username: user.username, downloadUrl: '/account/mfa/codes.txt' });
    show(ctx, s, 'totp-enrol', { ...view, action: '/account/mfa/wizard', resetting: w.mode === 'reset', fromAccount: true }, error);
  }

  for (const mode of ['setup', 'reset'] as const) {
    router.post(`/mfa/${mode}`, async (ctx) => {
      const s = await requireSession(ctx);
      if (!s) return;
      const err = await guard(ctx, s, false);
      if (err) return overview(ctx, s, undefined, err);
      const user = await accountUser(s);
      const store = await services.users.storeById(user.storeId);
      // the same second proof as at sign-in: a session that only proved the password cannot bind a first app (B17)
      const needsPass = mode === 'setup' && (!store || enrolmentPassRequired(user, store, services.clock()));
      const w: WizardState = { uid: wizardKey(s), mode, stage: 'begin', needsPass };
      await services.accountWizards.save(w as never);
      ctx.status = 303;
      ctx.redirect('/account/mfa/wizard');
    });
  }

  router.get('/mfa/wizard', async (ctx) => {
    const s = await requireSession(ctx, { inWizard: true });
    if (!s) return;
    const w = await loadWizard(s);
    if (!w) return ctx.redirect('/account');
    await showWizard(ctx, s, w);
  });

  router.post('/mfa/wizard', async (ctx) => {
    const s = await requireSession(ctx, { inWizard: true });
    if (!s) return;
    const w = await loadWizard(s);
    if (!w) return ctx.redirect('/account');
    const parsed = wizardInput.safeParse(body(ctx));
    if (!parsed.success) return showWizard(ctx, s, w, 'invalid_input');
    const err = await guard(ctx, s, false);
    if (err) return showWizard(ctx, s, w, err);
    const result = await advanceWizard(w, parsed.data, {
      app: services.factors.totp,
      codes: services.mfa,
      reauthenticate: (password) => reauthenticate(ctx, s, password),
      userId: s.accountId,
      ip: ctx.ip,
    });
    if (!result.ok) return showWizard(ctx, s, w, result.error);
    ctx.status = 303;
    // a new authenticator ends the sessions elsewhere; this one stays (checklist 53)
    if (result.confirmed) {
      await services.endOtherSessions(s.accountId, s.sessionId);
      await kit.proved(s);
    }
    if (result.next.done) {
      await services.accountWizards.remove(w.uid);
      return ctx.redirect(w.mode === 'reset' ? '/account?done=mfa_reset' : '/account?done=mfa');
    }
    await services.accountWizards.save({ uid: w.uid, mode: w.mode, ...result.next } as never);
    ctx.redirect('/account/mfa/wizard');
  });

  router.post('/mfa/pass', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const w = await loadWizard(s);
    if (!w?.needsPass) return ctx.redirect('/account');
    const err = await guard(ctx, s, false);
    if (err) return showWizard(ctx, s, w, err);
    const user = await accountUser(s);
    const outcome = await services.throttle.attempt(
      { storeId: user.storeId, username: user.username, user },
      { ip: ctx.ip, factor: 'recovery' },
      services.throttle.simply(() => services.accessPasses.redeem(user, String(body(ctx).pass ?? ''), { ip: ctx.ip })),
      { clearOnSuccess: false },
    );
    if (outcome.kind === 'wait') return showWizard(ctx, s, w, 'too_many');
    if (outcome.kind !== 'ok') return showWizard(ctx, s, w, outcome.kind === 'closed' ? 'signin_closed' : 'pass_invalid');
    await services.accountWizards.save({ ...w, needsPass: false } as never);
    ctx.status = 303;
    ctx.redirect('/account/mfa/wizard');
  });

  router.get('/mfa/codes.txt', async (ctx) => {
    const s = await requireSession(ctx, { inWizard: true });
    if (!s) return;
    const w = await loadWizard(s);
    // regenerated codes: only with the nonce of the page that showed them, while it is the current page (checklist 44)
    const regenerated = async () => {
      const shown = (await services.accountWizards.load(codesKey(s))) as unknown as { codesSealed?: string; nonce?: string } | undefined;
      return shown?.nonce && shown.nonce === ctx.query.n ? shown.codesSealed : undefined;
    };
    const sealed = w?.codesSealed ?? (await regenerated());
    if (!sealed) return ctx.throw(404, 'errors.not_found');
    const user = await accountUser(s);
    ctx.set('Content-Disposition', 'attachment; filename="recovery-codes.txt"');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = render.recoveryCodesText(locale(ctx), services.mfa.unsealCodes(sealed), user.username);
  });

  // whoever must use MFA (owners and admins always, S1) can reset it but not remove their last factor
  async function mustKeepMfa(s: AccountSession) {
    const user = await accountUser(s);
    const store = await services.users.storeById(user.storeId);
    return !store || services.policy.required(user, store, { requireMfa: false });
  }

  // S13: "You are about to remove multi-factor authentication" -> Next -> password -> Remove.
  router.get('/mfa/remove', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    if (await mustKeepMfa(s)) return overview(ctx, s, undefined, 'mfa_required_cannot_remove');
    show(ctx, s, 'account-remove', { stage: ctx.query.step === 'password' ? 'password' : 'confirm' });
  });
  router.post('/mfa/remove', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    if (await mustKeepMfa(s)) return overview(ctx, s, undefined, 'mfa_required_cannot_remove');
    const err = await guard(ctx, s, true);
    if (err) return show(ctx, s, 'account-remove', { stage: 'password' }, err);
    await services.mfa.remove(s.accountId, { actorId: s.accountId, ip: ctx.ip });
    await services.endOtherSessions(s.accountId, s.sessionId);
    ctx.status = 303;
    ctx.redirect('/account?done=removed');
  });

  router.post('/mfa/codes', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const err = await guard(ctx, s, true);
    if (err) return overview(ctx, s, undefined, err);
    const codes = await services.mfa.regenerateCodes(s.accountId, { actorId: s.accountId, ip: ctx.ip });
    const sealed = services.mfa.sealCodes(codes);
    const nonce = randomBytes(16).toString('base64url');
    await services.accountWizards.save({ uid: codesKey(s), codesSealed: sealed, nonce } as never);
    show(ctx, s, 'account-codes', { codes, downloadUrl: `/account/mfa/codes.txt?n=${nonce}` });
  });

  router.post('/devices/revoke', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const err = await guard(ctx, s, true);
    if (err) return overview(ctx, s, undefined, err);
    const id = body(ctx).device;
    if (id === 'all') await services.devices.revokeAll(s.accountId);
    else if (typeof id === 'string') await services.devices.revoke(s.accountId, id);
    // the store's log lists it: the event names the user's store (the account session holds only the user)
    const storeId = (await services.users.byId(s.accountId))?.storeId;
    await services.audit.record({ type: 'device.revoked', storeId, userId: s.accountId, actorId: s.accountId, ip: ctx.ip, details: { device: String(id) } });
    ctx.status = 303;
    ctx.redirect('/account?done=devices');
  });

  // B15, checklist 54: end one other session, or all others (the password again); their clients are told (B16).
  router.post('/sessions/end', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const which = body(ctx).session;
    if (typeof which !== 'string' || !which || which.length > 100) return overview(ctx, s, undefined, 'invalid_input');
    const err = await guard(ctx, s, true);
    if (err) return overview(ctx, s, undefined, err);
    const current = (await services.sessions.list(s.accountId, s.sessionId)).find((x) => x.current);
    // this browser's own session ends with "Sign out", not here
    if (which !== 'others' && which === current?.uid) return overview(ctx, s, undefined, 'session_current');
    const ended = which === 'others' ? await services.sessions.endOthers(s.accountId, s.sessionId) : Number(await services.sessions.endOne(s.accountId, which));
    if (which !== 'others' && !ended) return overview(ctx, s, undefined, 'session_not_found');
    const me = await accountUser(s);
    await services.audit.record({ type: 'session.ended', userId: s.accountId, storeId: me.storeId, actorId: s.accountId, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { which: which === 'others' ? 'others' : 'one', count: ended } });
    ctx.status = 303;
    ctx.redirect('/account?done=sessions');
  });

  // Password change (checklist 11): current password, new one twice, NIST length rules, common and breached lists.
  router.post('/password', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const err = await guard(ctx, s, true);
    if (err) return overview(ctx, s, undefined, err);
    const b = body(ctx);
    const pw = typeof b.new_password === 'string' ? b.new_password : '';
    if (pw !== b.confirm_password) return overview(ctx, s, undefined, 'password_mismatch');
    const user = await accountUser(s);
    const store = await services.users.storeById(user.storeId);
    const verdict = await services.passwords.checkNew(pw, { username: user.username, storePrefix: store?.prefix });
    if (!verdict.ok) return overview(ctx, s, undefined, `password_${verdict.reason}`);
    await services.passwords.change(user.id, pw, { actorId: user.id, ip: ctx.ip });
    await services.endOtherSessions(user.id, s.sessionId);
    await services.accountWizards.remove(breachKey(s));
    ctx.status = 303;
    ctx.redirect('/account?done=password');
  });

  const emailInput = z.object({ email: z.email().max(254) });
  router.post('/email', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const parsed = emailInput.safeParse(body(ctx));
    if (!parsed.success) return overview(ctx, s, undefined, 'invalid_input');
    const err = await guard(ctx, s, true);
    if (err) return overview(ctx, s, undefined, err);
    await services.email.change(s.accountId, parsed.data.email.toLowerCase(), { actorId: s.accountId, ip: ctx.ip });
    ctx.status = 303;
    ctx.redirect('/account?done=email');
  });

  // the factors' own pages (a passkey's registration, rename and removal)
  for (const factor of factors) {
    const own = factor.accountRoutes?.({ ...kit, overview });
    if (own) router.use(own.routes());
  }
  router.use(accountLanguageRoutes({ ...kit, overview }).routes());
  router.use(accountPinRoutes({ ...kit, overview }).routes());

  return router;
}

export type { AccountDeps };
