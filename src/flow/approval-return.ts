// B20: an approval that expires still leads back to the register. While an approval's pages are shown, the browser keeps
// where its answer goes and what was asked, in a signed cookie scoped to that interaction's URLs; once the interaction
// has expired, those URLs answer with a page that says so and a way back that ends the request at the POS
// (access_denied, approval_expired), as the provider would have ended it.
import type Koa from 'koa';
import { z } from 'zod';
import { isLocale, type Locale } from '../http/i18n.js';
import { APPROVAL_ENDINGS, approvalDetailSchema, formatAmount } from '../services/approval/details.js';
import type { ApprovalState } from '../../interactions/approval/state.js';

const NAME = 'approval-return';
// longer than any interaction lives: the page that says "expired" needs it after the interaction is gone
const KEEP_MS = 24 * 3600_000;

const rememberedSchema = z.object({
  uid: z.string(),
  locale: z.string(),
  redirectUri: z.string(),
  state: z.string().optional(),
  responseMode: z.string().optional(),
  detail: approvalDetailSchema,
  cashierName: z.string(),
});
export type RememberedApproval = z.infer<typeof rememberedSchema> & { locale: Locale };

const pathOf = (uid: string) => `/interaction/${uid}`;

export function approvalReturn(secure: boolean) {
  const options = (uid: string, maxAge: number) => ({ httpOnly: true, secure, sameSite: 'lax' as const, path: pathOf(uid), signed: true, overwrite: true, maxAge });
  return {
    /** Set with every page of an approval (no database write: it lives in the browser). */
    remember(ctx: Koa.Context, uid: string, locale: Locale, approval: ApprovalState) {
      if (!approval.back) return;
      const value: RememberedApproval = { uid, locale, ...approval.back, detail: approval.detail, cashierName: approval.cashierName };
      ctx.cookies.set(NAME, Buffer.from(JSON.stringify(value)).toString('base64url'), options(uid, KEEP_MS));
    },
    /** The approval ended (approved, declined, given up): nothing to lead back from any more. */
    forget(ctx: Koa.Context, uid: string) {
      ctx.cookies.set(NAME, null, options(uid, 0));
    },
    /** The approval this interaction's URL was for, when its browser still holds it. */
    of(ctx: Koa.Context, uid: string): RememberedApproval | undefined {
      const raw = ctx.cookies.get(NAME, { signed: true });
      if (!raw) return undefined;
      try {
        const parsed = rememberedSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
        return parsed.success && parsed.data.uid === uid && isLocale(parsed.data.locale) ? (parsed.data as RememberedApproval) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export type ApprovalReturn = ReturnType<typeof approvalReturn>;

/** The way back to the POS that ends the expired request: a link (query or fragment), or a form (form_post). */
export function expiredAnswer(r: RememberedApproval, issuer: string): { href?: string; form?: { action: string; fields: Array<{ name: string; value: string }> } } {
  const params = new URLSearchParams({ error: 'access_denied', error_description: APPROVAL_ENDINGS.expired, ...(r.state ? { state: r.state } : {}), iss: issuer });
  if (r.responseMode === 'form_post') return { form: { action: r.redirectUri, fields: [...params].map(([name, value]) => ({ name, value })) } };
  const url = new URL(r.redirectUri);
  if (r.responseMode === 'fragment') url.hash = params.toString();
  else for (const [name, value] of params) url.searchParams.set(name, value);
  return { href: url.href };
}

/** "The request to approve a refund of €120.00 on Till 2 for cashier Carla (transaction T-1234) has expired. ..." */
export function expiredWords(r: RememberedApproval, t: (locale: Locale, key: string, vars?: Record<string, string | number>) => string): string {
  const { detail } = r;
  return t(r.locale, 'approval.expired.body', {
    action: t(r.locale, `approval.action.${detail.action}`),
    amount: formatAmount(detail, r.locale),
    register: detail.register,
    cashier: r.cashierName,
    transaction: detail.transaction_id,
  });
}
