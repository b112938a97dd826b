// The passkeys section of Security & ID and its pages: add (password, and a temporary access pass for a first factor
// when policy asks for one), rename, remove (password and a confirmation); every change audited and emailed.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { accountKeys, type AccountKit, type AccountPages } from '../../src/account/kit.js';
import type { AccountSession } from '../../src/account/session.js';
import { enrolmentPassRequired } from '../../src/services/access-passes/index.js';
import type { UserView } from '../../src/services/account/users.js';
import type { AccountSection } from '../factor.js';
import { PASSKEY_NAME_MAX } from './service.js';

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;
const nameInput = z.object({ name: z.string().trim().min(1).max(PASSKEY_NAME_MAX) });
const keyParam = z.string().regex(/^c[\w-]{12}$/);

// a first passkey on an account without MFA needs the same second proof as a first authenticator app (B17)
async function needsPass(kit: AccountKit, user: UserView) {
  const store = await kit.services.users.storeById(user.storeId);
  return !store || enrolmentPassRequired(user, store, kit.services.clock());
}

export const passkeySection: AccountSection = {
  partial: 'factor-passkey',
  async view(user, kit) {
    const passkeys = await kit.services.factors.passkey.list(user.id);
    return {
      passkeys: passkeys.map((p) => ({ ...p, createdAt: day(p.createdAt), lastUsedAt: day(p.lastUsedAt) })),
      needsPass: await needsPass(kit, user),
      nameMax: PASSKEY_NAME_MAX,
    };
  },
};

export function passkeyAccountRoutes(kit: AccountPages): Router {
  const { services } = kit;
  const router = new Router({ prefix: '/passkeys' });
  const binding = (s: AccountSession) => `account:${s.sessionId}`;

  async function showRegistration(ctx: Koa.Context, s: AccountSession, name: string, error?: string) {
    const user = await kit.accountUser(s);
    const store = await services.users.storeById(user.storeId);
    const options = await services.factors.passkey.registrationOptions({ id: user.id, username: user.username, name: user.name, storePrefix: store?.prefix ?? '' }, binding(s));
    kit.show(ctx, s, 'passkey-register', { name, optionsJson: JSON.stringify(options), scripts: ['webauthn.js', 'passkey.js'] }, error);
  }

  const backWith = (ctx: Koa.Context, notice: string) => {
    ctx.status = 303;
    ctx.redirect(`/account?done=${notice}`);
  };

  // "Add a passkey": the name, the password again, and a pass when policy asks; then the browser's own dialog.
  router.post('/new', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const parsed = nameInput.safeParse(kit.body(ctx));
    if (!parsed.success) return kit.overview(ctx, s, undefined, 'passkey_name');
    const err = await kit.guard(ctx, s, true);
    if (err) return kit.overview(ctx, s, undefined, err);
    const user = await kit.accountUser(s);
    if (await needsPass(kit, user)) {
      const outcome = await services.throttle.attempt(
        { storeId: user.storeId, username: user.username, user },
        { ip: ctx.ip, factor: 'recovery' },
        services.throttle.simply(() => services.accessPasses.redeem(user, String(kit.body(ctx).pass ?? ''), { ip: ctx.ip })),
        { clearOnSuccess: false },
      );
      if (outcome.kind !== 'ok') return kit.overview(ctx, s, undefined, outcome.kind === 'wait' ? 'too_many' : outcome.kind === 'closed' ? 'signin_closed' : 'pass_invalid');
    }
    await showRegistration(ctx, s, parsed.data.name);
  });

  router.post('/register', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const b = kit.body(ctx);
    const parsed = nameInput.safeParse(b);
    if (!parsed.success) return kit.overview(ctx, s, undefined, 'passkey_name');
    const err = await kit.guard(ctx, s, false);
    if (err) return kit.overview(ctx, s, undefined, err);
    const result = await services.factors.passkey.register(
      s.accountId,
      String(b.credential ?? ''),
      binding(s),
      parsed.data.name,
      { actorId: s.accountId, ip: ctx.ip },
      (challenge) => services.once.claim({ key: `webauthn:${challenge}`, expiresAt: new Date(services.clock().getTime() + 3_600_000) }),
    );
    if (!result.ok) {
      const storeId = (await services.users.byId(s.accountId))?.storeId;
      await services.audit.record({ type: 'mfa.passkey_refused', storeId, userId: s.accountId, actorId: s.accountId, ip: ctx.ip, details: { reason: result.reason } });
      // the challenge of the page that posted is used up: a fresh one, the name kept
      return showRegistration(ctx, s, parsed.data.name, result.reason === 'duplicate' ? 'passkey_duplicate' : 'passkey_register_failed');
    }
    // a new factor ends the sessions elsewhere, and this session has proved it (checklist 53)
    await services.endOtherSessions(s.accountId, s.sessionId);
    await kit.proved(s);
    if (!result.codes) return backWith(ctx, 'passkey_added');
    // a first factor: MFA is on, with recovery codes shown once (as after "Regenerate")
    const nonce = randomBytes(16).toString('base64url');
    await services.accountWizards.save({ uid: accountKeys.codes(s), codesSealed: services.mfa.sealCodes(result.codes), nonce } as never);
    kit.show(ctx, s, 'account-codes', { codes: result.codes, downloadUrl: `/account/mfa/codes.txt?n=${nonce}` });
  });

  router.post('/:key/rename', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const parsed = nameInput.safeParse(kit.body(ctx));
    if (!parsed.success || !keyParam.safeParse(ctx.params.key).success) return kit.overview(ctx, s, undefined, 'passkey_name');
    const err = await kit.guard(ctx, s, false);
    if (err) return kit.overview(ctx, s, undefined, err);
    if (!(await services.factors.passkey.rename(s.accountId, ctx.params.key, parsed.data.name))) return kit.overview(ctx, s, undefined, 'not_found');
    await services.audit.record({ type: 'mfa.passkey_renamed', userId: s.accountId, actorId: s.accountId, ip: ctx.ip, details: { name: parsed.data.name } });
    backWith(ctx, 'passkey_renamed');
  });

  // Removal: a confirmation page, then the password (like removing MFA, S13).
  router.get('/:key/remove', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const passkeys = await services.factors.passkey.list(s.accountId);
    const passkey = passkeys.find((p) => p.key === ctx.params.key);
    if (!passkey) return ctx.throw(404, 'errors.not_found');
    const user = await kit.accountUser(s);
    kit.show(ctx, s, 'passkey-remove', { passkey, last: user.credentialTypes.length === 1 && passkeys.length === 1 });
  });

  router.post('/:key/remove', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const passkeys = await services.factors.passkey.list(s.accountId);
    const passkey = passkeys.find((p) => p.key === ctx.params.key);
    if (!passkey) return ctx.throw(404, 'errors.not_found');
    const user = await kit.accountUser(s);
    const last = user.credentialTypes.length === 1 && passkeys.length === 1;
    const err = await kit.guard(ctx, s, true);
    if (err) return kit.show(ctx, s, 'passkey-remove', { passkey, last }, err);
    await services.factors.passkey.remove(s.accountId, passkey.key, { actorId: s.accountId, ip: ctx.ip });
    backWith(ctx, last ? 'removed' : 'passkey_removed');
  });

  return router;
}
