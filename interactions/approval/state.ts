// B20: the approval a flow carries (the requested detail, the cashier from the register's session) and its summary.
import { z } from 'zod';
import { approvalDetailOf, approvalDetailSchema, formatAmount } from '../../src/services/approval/details.js';

export const approvalStateSchema = z.object({
  detail: approvalDetailSchema,
  cashierId: z.string(),
  cashierName: z.string(),
  storeId: z.string(),
  // where the answer goes (the request's validated redirect_uri, state and response_mode): an approval that expires
  // still leads back to the register (src/flow/approval-return.ts)
  back: z.object({ redirectUri: z.string(), state: z.string().optional(), responseMode: z.string().optional() }).optional(),
});

export type ApprovalState = z.infer<typeof approvalStateSchema>;

/** The approval state of a new interaction: a pos_approval detail asked by a register signed in as the cashier. */
export function approvalStateOf(rawDetails: unknown, cashier: { id: string; name: string; storeId: string } | undefined, back?: ApprovalState['back']): ApprovalState | undefined {
  if (typeof rawDetails !== 'string' || !cashier) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawDetails);
  } catch {
    return undefined;
  }
  const detail = approvalDetailOf(parsed);
  return detail && { detail, cashierId: cashier.id, cashierName: cashier.name, storeId: cashier.storeId, back };
}

/** The transaction in words: "a refund of €120.00 on Till 2 for cashier Carla (transaction T-1234)". */
export function approvalWords(approval: ApprovalState, locale: 'en' | 'nl', t: (locale: 'en' | 'nl', key: string, vars?: Record<string, string | number>) => string) {
  const { detail } = approval;
  return t(locale, 'approval.summary', {
    action: t(locale, `approval.action.${detail.action}`),
    amount: formatAmount(detail, locale),
    register: detail.register,
    cashier: approval.cashierName,
    transaction: detail.transaction_id,
  });
}
