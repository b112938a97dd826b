// The outbox notifier (S4, B6): resolves recipients, renders the email in the reader's language and writes it to the outbox.
import type { Logger } from 'pino';
import type { Locale } from '../http/i18n.js';
import type { StoreView, UserDirectory, UserView } from '../services/account/users.js';
import { userLanguage } from '../services/account/language.js';
import type { AuditRecorder } from '../services/audit/index.js';
import type { Notification, Notifier } from '../services/notifications/index.js';
import { isStoreAdmin } from '../services/roles.js';
import { mailKey, type OwnerLookup } from './ports.js';
import type { NewDelivery, OutboxPort } from '../outbox/ports.js';
import { templateFor, type EmailRenderer } from './render.js';
import { buildView, type ViewInput } from './view.js';
import type { VerifyLinks } from './verify-link.js';
import type { UnlockLinks } from './unlock-link.js';

export interface OutboxNotifierDeps {
  users: UserDirectory;
  ownerOf: OwnerLookup;
  outbox: OutboxPort<'mail'>;
  renderer: EmailRenderer;
  links: VerifyLinks;
  unlockLinks: UnlockLinks;
  audit: AuditRecorder;
  logger: Logger;
  clock: () => Date;
  issuer: string;
  productName: string;
  supportEmail: string;
}

interface Recipient {
  address: string;
  name: string;
  locale: Locale;
  onBehalf: boolean;
}

// the reader's language: chosen, else the store's (B22; one rule, src/services/account/language.ts)
const localeOf = (u: UserView, store: StoreView | undefined): Locale => userLanguage(u, store);
// enough to refuse obvious junk; nodemailer encodes whatever it sends
const isAddress = (v: unknown): v is string => typeof v === 'string' && v.length <= 254 && /^[^\s@<>]+@[^\s@<>]+$/.test(v.trim());

/**
 * A "Verify email address" button goes to the user's own unverified address: when asked for, to a new address, and
 * to owners and admins when they turn MFA on or set it up again themselves (after a reset, say the operator's; S6).
 */
function wantsVerifyLink(n: Notification, user: UserView, recipient: Recipient): boolean {
  if (recipient.onBehalf || user.emailVerified || !user.email || recipient.address.toLowerCase() !== user.email.trim().toLowerCase()) return false;
  const mfaOn = n.type === 'mfa_enabled' || (n.type === 'mfa_reset' && (n.actorId === undefined || n.actorId === n.userId));
  return n.type === 'email_verification' || n.type === 'email_changed' || (mfaOn && isStoreAdmin(user.role));
}

/**
 * Rendering happens here, at enqueue time, in the request that made the change. Why not at send time:
 * the email must describe the change as it was (names, remaining codes, the old address of an email change,
 * the recipient chosen then), and the worker then needs no lookups, so a later rename or deletion can neither
 * alter nor block a queued notice; a template bug fails loudly in the request rather than silently in the worker.
 */
export function createOutboxNotifier(deps: OutboxNotifierDeps): Notifier {
  async function recipientsFor(n: Notification, user: UserView, store: StoreView | undefined): Promise<Recipient[]> {
    const direct = (address: string): Recipient => ({ address, name: user.name, locale: localeOf(user, store), onBehalf: false });
    // an email change is told to both the old and the new address (checklist 67)
    const candidates = n.type === 'email_changed' ? [n.details?.oldEmail, n.details?.newEmail, user.email] : [user.email];
    const addresses: string[] = [];
    for (const a of candidates.filter(isAddress).map((v) => v.trim())) {
      if (!addresses.some((b) => b.toLowerCase() === a.toLowerCase())) addresses.push(a);
    }
    // an enrolment link proves the user's own verified address, so it goes there or nowhere (B17)
    if (n.type === 'enrolment_link') return user.email && user.emailVerified ? [direct(user.email.trim())] : [];
    // a verification link is for the address it verifies, never for the owner
    if (n.type === 'email_verification') return user.email ? [direct(user.email.trim())] : [];
    // a password reset link is for the user alone: never to the owner, who resets passwords in the console (B14)
    if (n.type === 'password_reset_link') return user.email ? [direct(user.email.trim())] : [];
    // B21: the weekly roll-out summary is the owner's own (a reminder takes the usual owner fallback below)
    if (n.type === 'rollout_summary') return isAddress(user.email) ? [direct(user.email.trim())] : [];
    // a closed sign-in concerns the store too: its owner is always told (B18)
    const alsoOwner = n.type === 'account_locked';
    if (addresses.length && !alsoOwner) return addresses.map(direct);
    // no address of their own: the store owner is told, in the owner's language (S4)
    const owner = await deps.ownerOf(user.storeId);
    const toOwner = owner && owner.id !== user.id && isAddress(owner.email) ? [{ address: owner.email.trim(), name: owner.name, locale: localeOf(owner, store), onBehalf: true }] : [];
    return [...addresses.map(direct), ...toOwner];
  }

  async function actorOf(n: Notification): Promise<ViewInput['actor']> {
    if (n.type === 'account_locked' || n.type === 'second_factor_failed' || n.type === 'password_reset_link' || n.type === 'rollout_summary') return 'system';
    if (n.type === 'rollout_reminder' && n.actorId === undefined) return 'system';
    if (n.type === 'account_unlocked' && n.actorId === n.userId) return 'self';
    if (n.actorId === undefined || n.actorId === n.userId) return 'self';
    // the operator break-glass path (S11) acts without a user id
    if (n.actorId === '') return 'support';
    return (await deps.users.byId(n.actorId)) ?? 'unknown';
  }

  return async (n) => {
    const at = deps.clock();
    const user = await deps.users.byId(n.userId);
    if (!user) {
      deps.logger.warn({ notification: n.type, userId: n.userId }, 'notification for an unknown user dropped');
      return;
    }
    const store = await deps.users.storeById(user.storeId);
    const [actor, recipients] = await Promise.all([actorOf(n), recipientsFor(n, user, store)]);
    if (!recipients.length) {
      deps.logger.warn({ notification: n.type, userId: n.userId }, 'notification has no recipient (no user or owner email)');
      // a keyed notification is audited once per key, however often it is asked for (the wrong-code alarm: every code)
      await deps.audit.record({ type: 'notification.undeliverable', userId: user.id, storeId: user.storeId, details: { notification: n.type }, ...(n.key ? { key: `notification.undeliverable:${n.key}` } : {}) });
      return;
    }
    const template = templateFor(n.type);
    const messages: NewDelivery<'mail'>[] = recipients.map((recipient, i) => {
      const verifyUrl =
        wantsVerifyLink(n, user, recipient) && user.email
          ? `${deps.issuer}/account/verify-email?${new URLSearchParams({ token: deps.links.sign(user.id, user.email), ui_locales: recipient.locale })}`
          : undefined;
      // the unlock link goes to the user's own address only; the owner unlocks in the admin console
      const unlockUrl =
        n.type === 'account_locked' && !recipient.onBehalf
          ? `${deps.issuer}/account/unlock?${new URLSearchParams({ token: deps.unlockLinks.sign(user.id, Number(n.details?.generation ?? 0)), ui_locales: recipient.locale })}`
          : undefined;
      const view = buildView({
        notification: n,
        user,
        store,
        actor,
        recipient,
        at,
        productName: deps.productName,
        supportEmail: deps.supportEmail,
        verifyUrl,
        unlockUrl,
      });
      const rendered = deps.renderer.render(template, view, recipient.locale);
      return { type: n.type, userId: user.id, storeId: user.storeId, to: recipient.address, locale: recipient.locale, ...rendered, key: n.key && mailKey(n.key, i) };
    });
    // a held notice needs its key, by which it is released or withdrawn
    await deps.outbox.enqueue(messages, at, n.key ? n.sendAt : undefined);
  };
}
