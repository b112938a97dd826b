// B20: what a manager approves (an RFC 9396 `pos_approval` authorization detail), who may approve it, and how it reads.
import { z } from 'zod';
import { atLeast, type Role } from '../roles.js';

export const APPROVAL_TYPE = 'pos_approval';
export const APPROVAL_ACTIONS = ['refund', 'discount', 'void', 'no_sale'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

// Amounts are decimal strings ("120.00"), never floats: the POS and the token must agree to the cent.
export const approvalDetailSchema = z
  .object({
    type: z.literal(APPROVAL_TYPE),
    action: z.enum(APPROVAL_ACTIONS),
    amount: z.string().regex(/^(0|[1-9]\d{0,8})\.\d{2}$/),
    currency: z.string().regex(/^[A-Z]{3}$/),
    register: z.string().trim().min(1).max(60),
    transaction_id: z.string().regex(/^[\w.:-]{1,64}$/),
  })
  .strict();

export type ApprovalDetail = z.infer<typeof approvalDetailSchema>;

// What the provider adds when the manager approves (RFC 9396 §7.1, enriched details): whose request, who approved.
export interface ApprovalParties {
  cashier: { sub: string; name: string };
  approver: { sub: string; name: string; role: Role; acr: string; amr: string[]; auth_time: number };
}

export type ApprovedDetail = ApprovalDetail & ApprovalParties;

/** The one pos_approval detail of a request; undefined when there is none. */
export function approvalDetailOf(details: unknown): ApprovalDetail | undefined {
  const list = Array.isArray(details) ? details : [];
  const found = list.find((d) => (d as { type?: unknown })?.type === APPROVAL_TYPE);
  const parsed = approvalDetailSchema.safeParse(found);
  return parsed.success ? parsed.data : undefined;
}

/** Why a detail cannot be asked for, in words for the POS's developer (the error_description); undefined if fine. */
export function invalidDetailReason(detail: unknown): string | undefined {
  const parsed = approvalDetailSchema.safeParse(detail);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'detail';
  return `pos_approval ${where}: ${issue?.code === 'unrecognized_keys' ? 'unknown member' : 'invalid value'}`;
}

export type RefusalReason = 'role' | 'self' | 'store' | 'no_mfa';

/** Four eyes: a manager or higher of the cashier's store, not the cashier, who can prove a second factor. */
export function refusalReason(approver: { id: string; role: Role; mfaEnabled: boolean }, storeId: string | undefined, request: { cashierId: string; storeId: string }): RefusalReason | undefined {
  if (approver.id === request.cashierId) return 'self';
  if (storeId !== request.storeId) return 'store';
  if (!atLeast(approver.role, 'manager')) return 'role';
  if (!approver.mfaEnabled) return 'no_mfa';
  return undefined;
}

/** The amount in the reader's language: "€120.00" in English, "€ 120,00" in Dutch. */
export function formatAmount(detail: Pick<ApprovalDetail, 'amount' | 'currency'>, locale: string): string {
  const tag = locale === 'nl' ? 'nl-NL' : 'en-GB';
  return new Intl.NumberFormat(tag, { style: 'currency', currency: detail.currency }).format(Number(detail.amount));
}

/**
 * How an approval ends without a token, as the `error_description` of its `access_denied` (a stable code before the
 * colon, so a POS can tell the cashier what happened; the words after it are for its developers).
 */
export const APPROVAL_ENDINGS = {
  declined: 'approval_declined: the manager declined the transaction',
  cancelled: 'approval_cancelled: the register went back without an approval',
  expired: 'approval_expired: the approval request expired before anyone decided',
} as const;
export type ApprovalEnding = keyof typeof APPROVAL_ENDINGS;

/** The ending an authorization error names (undefined: another error, or no approval ending). */
export function approvalEndingOf(errorDescription: unknown): ApprovalEnding | undefined {
  const code = typeof errorDescription === 'string' ? errorDescription.split(':')[0] : '';
  return (Object.keys(APPROVAL_ENDINGS) as ApprovalEnding[]).find((k) => code === `approval_${k}`);
}

/** Does a transaction the POS is about to book match the approved detail exactly? */
export function sameTransaction(approved: ApprovalDetail, booking: Record<string, unknown>): boolean {
  return (['action', 'amount', 'currency', 'register', 'transaction_id'] as const).every((k) => booking[k] === approved[k]);
}
