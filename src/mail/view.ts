// The data every notification email is rendered from: who it is about, who did it, when (UTC), and the type's own facts.
import { translate, type Locale } from '../http/i18n.js';
import { mfaRequirement } from '../services/policy/index.js';
import { addressInWords, userAgentInWords } from '../http/session-rows.js';
import type { StoreView, UserView } from '../services/account/users.js';
import type { Notification } from '../services/notifications/index.js';
import { CLOSE_AFTER } from '../services/throttle/index.js';
import { UNLOCK_TTL_MS } from './unlock-link.js';
import { VERIFY_TTL_MS } from './verify-link.js';
import { RESET_LINK_MINUTES } from '../services/password-reset/index.js';
import { rolloutEmailView } from './rollout-view.js';
import { factorWords } from '../../factors/words.js';
import { CREDENTIAL_TYPES, type CredentialType } from '../services/mfa/credentials.js';

export interface ViewInput {
  notification: Notification;
  user: UserView;
  store: StoreView | undefined;
  /** Who made the change: 'self', 'system' (no one: a lock-out), 'support' (operator break-glass), or another user. */
  actor: 'self' | 'system' | 'support' | 'unknown' | UserView;
  recipient: { name: string; locale: Locale; onBehalf: boolean; address: string };
  at: Date;
  productName: string;
  supportEmail: string;
  verifyUrl?: string;
  unlockUrl?: string;
}

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', nl: 'nl-NL' };

/** "4 March 2025 at 10:15 UTC" / "4 maart 2025 om 10:15 UTC": always UTC, so no reader has to guess a time zone. */
function formatUtc(at: Date, locale: Locale): string {
  return `${new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }).format(at)} UTC`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const isCredentialType = (v: unknown): v is CredentialType => (CREDENTIAL_TYPES as readonly unknown[]).includes(v);
const credentialTypesIn = (v: unknown): CredentialType[] | undefined => {
  const types = (Array.isArray(v) ? v : [v]).filter(isCredentialType);
  return types.length ? types : undefined;
};

export function buildView(input: ViewInput): Record<string, unknown> {
  const { notification: n, user, recipient } = input;
  const locale = recipient.locale;
  const d = n.details ?? {};
  const bySelf = input.actor === 'self';
  let actorText: string | undefined;
  if (input.actor === 'self') actorText = recipient.onBehalf ? user.name : translate(locale, 'emails.common.by_self');
  else if (input.actor === 'support') actorText = translate(locale, 'emails.common.by_support');
  else if (input.actor === 'unknown') actorText = translate(locale, 'emails.common.by_admin');
  else if (input.actor !== 'system') actorText = `${input.actor.name} (${translate(locale, `account.roles.${input.actor.role}`)})`;

  const view: Record<string, unknown> = {
    productName: input.productName,
    recipientName: recipient.name,
    onBehalf: recipient.onBehalf,
    name: user.name,
    username: user.username,
    storeName: input.store?.name ?? '',
    when: formatUtc(input.at, locale),
    actorText,
    bySelf,
    supportEmail: input.supportEmail,
    // the user's factors, named as they are (a passkey-only user never reads about an app); an MFA change names the
    // factor it bound (details.factor) or, for a reset, the ones it took away (details.factors)
    factorsWords: factorWords(credentialTypesIn(d.factor) ?? credentialTypesIn(d.factors) ?? user.credentialTypes),
  };

  switch (n.type) {
    case 'recovery_code_used':
      view.remainingKnown = typeof d.remaining === 'number';
      view.remaining = d.remaining;
      break;
    case 'email_changed':
      view.verifyUrl = input.verifyUrl;
      view.verifyDays = Math.round(VERIFY_TTL_MS / 86_400_000);
      view.oldEmail = str(d.oldEmail);
      view.newEmail = str(d.newEmail);
      view.emailChange = view.oldEmail ? (view.newEmail ? 'changed' : 'removed') : view.newEmail ? 'added' : 'unknown';
      view.toOldAddress = view.emailChange === 'changed' && recipient.address.toLowerCase() === String(view.oldEmail).toLowerCase();
      break;
    case 'account_locked':
      view.ip = str(d.ip);
      view.unlockUrl = input.unlockUrl;
      view.unlockDays = Math.round(UNLOCK_TTL_MS / 86_400_000);
      view.closeAfter = CLOSE_AFTER;
      break;
    case 'access_pass_created':
      view.expiresAt = d.expiresAt ? formatUtc(new Date(String(d.expiresAt)), locale) : undefined;
      break;
    case 'enrolment_link':
      view.linkUrl = str(d.url);
      view.expiresAt = d.expiresAt ? formatUtc(new Date(String(d.expiresAt)), locale) : undefined;
      break;
    case 'password_reset_link':
      view.linkUrl = str(d.url);
      view.expiresAt = d.expiresAt ? formatUtc(new Date(String(d.expiresAt)), locale) : undefined;
      view.minutes = RESET_LINK_MINUTES;
      view.ip = str(d.ip);
      break;
    case 'mfa_removed':
      // store policy or the role may still demand MFA: then the next sign-in sets it up again (not "password only")
      view.enrolAgain = input.store ? mfaRequirement({ role: input.user.role, store: input.store, client: { requireMfa: false }, now: input.at }).required : false;
      break;
    case 'passkey_added':
    case 'passkey_removed':
      view.passkeyName = str(d.name) ?? '';
      break;
    case 'second_factor_failed':
      view.ip = addressInWords((key, vars) => translate(locale, key, vars), str(d.ip));
      view.browser = str(d.userAgent) ? userAgentInWords((key, vars) => translate(locale, key, vars), str(d.userAgent)) : undefined;
      break;
    case 'rollout_reminder':
    case 'rollout_summary':
      Object.assign(view, rolloutEmailView(n.type, d, locale));
      break;
    case 'mfa_enabled':
    case 'mfa_reset':
    case 'email_verification':
      if (input.verifyUrl) {
        view.verifyUrl = input.verifyUrl;
        view.verifyDays = Math.round(VERIFY_TTL_MS / 86_400_000);
      }
      break;
    case 'pin_changed':
      view.pinChange = ['set', 'changed', 'removed'].includes(String(d.change)) ? String(d.change) : 'changed';
      break;
    case 'register_trusted':
      view.registerName = str(d.register) ?? '';
      break;
    default:
      break;
  }
  return view;
}
