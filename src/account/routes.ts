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
import { pinEverAllowed } from '../services/quick-switch/roles.js';
import { isStoreAdmin } from '../services/roles.js';
import { ACR } from '../provider/acr.js';
import { factors } from '../../factors/index.js';
import { factorWords } from '../../factors/words.js';
import type { AccountSession } from './session.js';
import { accountKit, type AccountDeps } from './kit.js';
import { accountBindingRoutes } from './binding-routes.js';
import { sessionRows } from '../http/session-rows.js';
import { providerBackLinks } from '../http/back-link.js';

const ACCOUNT_CLIENT = 'account-console';

const NOTICES: Record<string, string> = {
  mfa: 'account.notice_mfa',
  mfa_reset: 'account.notice_mfa_reset',
  removed: 'account.notice_removed',
  devices: 'account.notice_devices',
  password: 'credentials.notice_password',
  email: 'credentials.notice_email',
  verify_sent: 'credentials.notice_verify_sent',
  language: 'language.notice',
  sessions: 'sessions.notice_ended',
  pin_set: 'quick_switch.account.notice_set',
  pin_changed: 'quick_switch.account.notice_changed',
  pin_removed: 'quick_switch.account.notice_removed',
  ...Object.assign({}, ...factors.map((f) => f.accountNotices ?? {})),
};

export function accountRouter(deps: AccountDeps): Router {
  const kit = accountKit(deps);
  const { services, render, locale, body, show, guard, accountUser, requireSession } = kit;
  const router = new Router({ prefix: '/account' });
  router.use(providerBackLinks(deps.provider, deps.issuer));

  async function overview(ctx: Koa.Context, s: AccountSession, notice?: string, error?: string) {
    // the page of newly regenerated codes is no longer current: they are not offered again (checklist 44)
    await kit.state.update(s, { codes: undefined });
    const user = await accountUser(s);
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
        factorsWords: factorWords(user.credentialTypes),
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
        breachWarning: await kit.state.breach.flagged(s.accountId),
        reset: await kit.resetOf(ctx, user),
        // an unverified address can be verified here (B17: then "Email me a link" works); owners and admins, whom no
        // colleague can hand a pass so easily, see the offer at the top
        verifyOffer: user.email && !user.emailVerified ? { prominent: isStoreAdmin(user.role) } : undefined,
        language: languageChoiceOf(user.locale, user.localeChosen),
        storeLanguage: t(`language.names.${store?.locale ?? 'en'}`),
        pinSet: await services.quickSwitch.hasPin(user.id),
        // a PIN is offered only to roles that can ever switch in with one (B19: owners and admins never can)
        pinOffered: pinEverAllowed(user.role),
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

  router.get('/mfa/codes.txt', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const pageState = await kit.state.load(s);
    // the set-up wizard's codes, or regenerated codes only with the nonce of the page that showed them, while it is
    // the current page (checklist 44)
    const shown = pageState.codes?.nonce === ctx.query.n ? pageState.codes?.codesSealed : undefined;
    const sealed = pageState.totp?.codesSealed ?? shown;
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
    await kit.state.update(s, { codes: { codesSealed: sealed, nonce } });
    show(ctx, s, 'account-codes', { codes, downloadUrl: `/account/mfa/codes.txt?n=${nonce}`, factorsWords: factorWords((await accountUser(s)).credentialTypes) });
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
    await kit.state.breach.clear(s.accountId);
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

  // "Verify email address": the link goes to the user's own address (a few per hour), audited
  router.post('/email/verify', async (ctx) => {
    const s = await requireSession(ctx);
    if (!s) return;
    const err = await guard(ctx, s, false);
    if (err) return overview(ctx, s, undefined, err);
    const outcome = await services.email.requestVerification(s.accountId, { actorId: s.accountId, ip: ctx.ip });
    if (outcome.kind === 'wait') return overview(ctx, s, undefined, 'verify_wait');
    ctx.status = 303;
    ctx.redirect(outcome.kind === 'sent' ? '/account?done=verify_sent' : '/account');
  });

  // the factors' own pages (an app's set-up and reset, a passkey's registration, rename and removal), and the proof
  // the binding rule asks for before any of them binds a factor
  const pages = { ...kit, overview };
  for (const factor of factors) {
    const own = factor.accountRoutes?.(pages);
    if (own) router.use(own.routes());
  }
  router.use(accountBindingRoutes(pages, factors.flatMap((f) => (f.bindingPath ? [f.bindingPath] : []))).routes());
  router.use(accountLanguageRoutes({ ...kit, overview }).routes());
  router.use(accountPinRoutes({ ...kit, overview }).routes());

  return router;
}

export type { AccountDeps };
