// Forgot password (B14): an emailed, signed, single-use link valid 30 minutes, then the user's second factor (the
// router asks it), then a new password under the rules of a change; every session and remembered device ends.
// The request answers the same whether or not the user exists or has an address (checklist 25); the link alone
// never signs anyone in and never replaces the second factor (checklist 70).
import { randomBytes } from 'node:crypto';
import { isLocale } from '../locale.js';
import type { LanguageService } from '../account/language.js';
import type { AuditRecorder } from '../audit/index.js';
import type { Notifier } from '../notifications/index.js';
import type { PasswordService } from '../account/passwords.js';
import type { StoreView, UserDirectory, UserView } from '../account/users.js';
import type { Marker } from '../throttle/guard.js';
import type { RequestLimiter } from '../throttle/requests.js';

/** What a link carries (signed): user, store, password version, nonce, and the sign-in it was asked from. */
export type ResetClaims = {
  u: string;
  s: string;
  /** a fingerprint of the password hash when the link was made: any change of password voids the link */
  p: string;
  /** names the link's single-use marker and binds its second-factor proof */
  n: string;
  /** the interaction the user asked from ('' when none), so the done page can offer to continue it */
  i: string;
};

/** The signed links (src/mail/reset-link.ts). */
export interface ResetLinkPort {
  sign(claims: ResetClaims): string;
  verify(token: unknown): { ok: true; claims: ResetClaims } | { ok: false; reason: 'invalid' | 'expired' };
}

export interface PasswordResetDeps {
  users: UserDirectory;
  passwords: Pick<PasswordService, 'version' | 'checkNew' | 'change'>;
  links: ResetLinkPort;
  limiter: RequestLimiter;
  claim(marker: Marker): Promise<boolean>;
  /** ends every session, grant and token of the user (and sign-ins in progress as that user) */
  endSessions(userId: string): Promise<unknown>;
  audit: AuditRecorder;
  notify: Notifier;
  /** the page the link was asked from is one the user used: the email speaks its language (B22) */
  languages: Pick<LanguageService, 'used'>;
  clock: () => Date;
  issuer: string;
  /** Runs work after the request's answer has left (src/models/stores/request-scope.ts): the link's email, so a name
   * that exists answers exactly as fast as one that does not (checklist 25). */
  afterAnswer(task: () => Promise<void>): void;
}

export const RESET_LINK_MINUTES = 30;

export type LinkProblem = 'invalid' | 'expired' | 'used' | 'other_store';

export interface OpenLink {
  user: UserView;
  store: StoreView;
  nonce: string;
  /** the sign-in the link was asked from ('' when none) */
  interactionUid: string;
}

export type CompleteResult = { ok: true } | { ok: false; error: 'password_mismatch' | 'second_factor_required' | `password_${string}` } | { ok: false; link: LinkProblem };

export function createPasswordReset(deps: PasswordResetDeps) {
  return {
    /** "Forgot your password?": sends the link when the user exists and has an address; the answer is the same either way. */
    async request(input: { storeId: string; username: string; ip: string; locale: string; interactionUid: string }): Promise<{ kind: 'sent' } | { kind: 'wait'; seconds: number }> {
      const { storeId, username, ip } = input;
      const allowed = await deps.limiter.allow(`${storeId}:${username}`, ip);
      if (!allowed.ok) {
        await deps.audit.record({ type: 'password_reset.throttled', storeId, ip, details: { username } });
        return { kind: 'wait', seconds: allowed.seconds };
      }
      const [user, store] = await Promise.all([deps.users.byUsername(storeId, username), deps.users.storeById(storeId)]);
      const sent = Boolean(user?.active && store && user.email);
      // the answer does the same work for every name (the limit, one read, the audit event); the link and its email
      // are made after it has left, so its timing says nothing about who exists (checklist 25)
      if (user?.active && store && user.email) {
        const madeAt = deps.clock();
        deps.afterAnswer(async () => {
          const version = await deps.passwords.version(user.id);
          if (!version) return;
          const token = deps.links.sign({ u: user.id, s: storeId, p: version, n: randomBytes(16).toString('base64url'), i: input.interactionUid });
          const url = `${deps.issuer}/password-reset/${encodeURIComponent(store.prefix)}?${new URLSearchParams({ token, ui_locales: input.locale })}`;
          const expiresAt = new Date(madeAt.getTime() + RESET_LINK_MINUTES * 60_000);
          if (isLocale(input.locale)) await deps.languages.used(user, input.locale);
          await deps.notify({ type: 'password_reset_link', userId: user.id, details: { url, expiresAt: expiresAt.toISOString(), ip } });
        });
      }
      // the audit log (admins only) may say what happened; the page never does
      await deps.audit.record({ type: 'password_reset.requested', storeId, userId: user?.id, ip, details: { username, sent } });
      return { kind: 'sent' };
    },

    /** The link's user and store, or why it cannot be used; changes nothing. */
    async open(token: unknown, storePrefix: string): Promise<{ ok: true; link: OpenLink } | { ok: false; problem: LinkProblem }> {
      const checked = deps.links.verify(token);
      if (!checked.ok) return { ok: false, problem: checked.reason };
      const { claims } = checked;
      const [user, store] = await Promise.all([deps.users.byId(claims.u), deps.users.storeByPrefix(storePrefix.toLowerCase())]);
      if (!user?.active) return { ok: false, problem: 'invalid' };
      if (!store || store.id !== claims.s || user.storeId !== claims.s) return { ok: false, problem: 'other_store' };
      // the password changed since the link was made: by this link (used) or otherwise, the link is void
      if ((await deps.passwords.version(user.id)) !== claims.p) return { ok: false, problem: 'used' };
      return { ok: true, link: { user, store, nonce: claims.n, interactionUid: claims.i } };
    },

    /** The new password, once per link; `proven` names the second factor proved for this link (required when the user has one). */
    async complete(link: OpenLink, input: { password: string; confirm: string; proven?: string; ip: string }): Promise<CompleteResult> {
      const { user } = link;
      if (user.mfaEnabled && !input.proven) return { ok: false, error: 'second_factor_required' };
      if (input.password !== input.confirm) return { ok: false, error: 'password_mismatch' };
      const verdict = await deps.passwords.checkNew(input.password, { username: user.username, storePrefix: link.store.prefix });
      if (!verdict.ok) return { ok: false, error: `password_${verdict.reason}` };
      // single use, also against two parallel submissions (DESIGN rule 8)
      const claimed = await deps.claim({ key: `password-reset:${link.nonce}`, expiresAt: new Date(deps.clock().getTime() + 2 * 3_600_000) });
      if (!claimed) return { ok: false, link: 'used' };
      // the change's own audit event, email ("your password was changed") and forgotten devices
      await deps.passwords.change(user.id, input.password, { actorId: user.id, ip: input.ip });
      await deps.endSessions(user.id);
      await deps.audit.record({ type: 'password.reset', userId: user.id, storeId: user.storeId, actorId: user.id, ip: input.ip, details: { via: 'email_link', factor: input.proven ?? null } });
      return { ok: true };
    },
  };
}

export type PasswordReset = ReturnType<typeof createPasswordReset>;
