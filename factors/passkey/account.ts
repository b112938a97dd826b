// The passkeys section of Security & ID and its pages: add (a name, the password again, and the proof the binding rule
// asks for: src/services/binding), rename, remove (password and a confirmation); every change audited and emailed.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { AccountPages } from '../../src/account/kit.js';
import type { AccountSession } from '../../src/account/session.js';
import type { AccountSection, AdminSection } from '../factor.js';
import { PASSKEY_NAME_MAX } from './service.js';
import { factorWords } from '../words.js';

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;
const nameInput = z.object({ name: z.string().trim().min(1).max(PASSKEY_NAME_MAX) });
const keyParam = z.string().regex(/^c[\w-]{12}$/);

export const PASSKEY_REGISTER_PATH = '/account/passkeys/register';

export const passkeySection: AccountSection = {
  partial: 'factor-passkey',
  async view(user, kit) {
    const passkeys = await kit.services.factors.passkey.list(user.id);
    return { passkeys: passkeys.map((p) => ({ ...p, createdAt: day(p.createdAt), lastUsedAt: day(p.lastUsedAt) })), nameMax: PASSKEY_NAME_MAX };
  },
};

// the admin sees which passkeys a user has and when each was last used (never a key itself)
export const passkeyAdminSection: AdminSection = {
  partial: 'factor-passkey-admin',
  async view(user, services) {
    const passkeys = await services.factors.passkey.list(user.id);
    return { passkeys: passkeys.map((p) => ({ name: p.name, synced: p.synced, createdAt: day(p.createdAt), lastUsedAt: day(p.lastUsedAt) })) };
  },
};

export function passkeyAccountRoutes(kit: AccountPages): Router {
  const { services } = kit;
  const router = new Router({ prefix: '/passkeys' });
  const binding = (s: AccountSession) => `account:${s.sessionId}`;

  const backWith = (ctx: Koa.Context, notice: string) => {
    ctx.status = 303;
    ctx.redirect(`/account?done=${notice}`);
  };

  // "Add a passkey": the name and the password again; then the proof when the rule asks; then the browser's dialog.
  router.post('/new', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const parsed = nameInput.safeParse(kit.body(ctx));
    if (!parsed.success) return kit.overview(ctx, s, undefined, 'passkey_name');
    const err = await kit.guard(ctx, s, true);
    if (err) return kit.overview(ctx, s, undefined, err);
    await kit.state.update(s, { passkey: { name: parsed.data.name, passwordProved: true } });
    ctx.status = 303;
    ctx.redirect(PASSKEY_REGISTER_PATH);
  });

  // The registration page: a challenge only for a registration the rule allows (the password entered for it, and
  // the second proof where one is needed).
  router.get('/register', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const pending = (await kit.state.load(s)).passkey;
    if (!pending) return ctx.redirect('/account');
    const need = await kit.bindingNeeds(s, pending.passwordProved);
    if (need.kind === 'proof') return kit.proofPage(ctx, s, PASSKEY_REGISTER_PATH);
    const user = await kit.accountUser(s);
    const store = await services.users.storeById(user.storeId);
    const options = await services.factors.passkey.registrationOptions({ id: user.id, username: user.username, name: user.name, storePrefix: store?.prefix ?? '' }, binding(s));
    kit.show(ctx, s, 'passkey-register', { name: pending.name, optionsJson: JSON.stringify(options), scripts: ['webauthn.js', 'passkey.js'] });
  });

  // The browser's answer. A refusal ends this registration: no new challenge, and "Add a passkey" starts again with the password.
  router.post('/register', async (ctx) => {
    const s = await kit.requireSession(ctx);
    if (!s) return;
    const err = await kit.guard(ctx, s, false);
    if (err) return kit.overview(ctx, s, undefined, err);
    const pending = (await kit.state.load(s)).passkey;
    const allowed = pending && (await kit.authorize(s, pending.passwordProved));
    if (!pending || !allowed?.ok) return kit.overview(ctx, s, undefined, 'passkey_register_failed');
    const result = await services.factors.passkey.register(
      s.accountId,
      String(kit.body(ctx).credential ?? ''),
      binding(s),
      pending.name,
      { actorId: s.accountId, ip: ctx.ip },
      (challenge) => services.claimOnce(`webauthn:${challenge}`, 3_600_000),
      allowed.grant,
    );
    if (!result.ok) {
      await kit.state.update(s, { passkey: undefined });
      const storeId = (await services.users.byId(s.accountId))?.storeId;
      await services.audit.record({ type: 'mfa.passkey_refused', storeId, userId: s.accountId, actorId: s.accountId, ip: ctx.ip, details: { reason: result.reason } });
      return kit.overview(ctx, s, undefined, result.reason === 'duplicate' ? 'passkey_duplicate' : 'passkey_register_failed');
    }
    // a new factor ends the sessions elsewhere, and this session has proved it (checklist 53)
    if (!result.codes) {
      await kit.bound(s, { passkey: undefined });
      return backWith(ctx, 'passkey_added');
    }
    // a first factor: MFA is on, with recovery codes shown once (as after "Regenerate")
    const nonce = randomBytes(16).toString('base64url');
    await kit.bound(s, { passkey: undefined, codes: { codesSealed: services.mfa.sealCodes(result.codes), nonce } });
    // the user's first factor is this passkey: the codes are for when it cannot be used
    kit.show(ctx, s, 'account-codes', { codes: result.codes, downloadUrl: `/account/mfa/codes.txt?n=${nonce}`, factorsWords: factorWords(['passkey']) });
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
