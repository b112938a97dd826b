// The support operator's commands (S11): a break-glass MFA reset for an owner who lost every factor, and a temporary
// access pass for a user's first authenticator (B17); each audited with reason, operator and host.
import type { Binding } from '../binding/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { AdminUserPort, AdminUserRecord, SessionRevoker, StorePort } from './ports.js';
import type { StoreView } from '../account/users.js';

export interface OperatorResetInput {
  storePrefix: string;
  username: string;
  reason: string;
  operator: string;
  /** where the command ran (the audit's "source" for an operator; checklist 65) */
  host: string;
}

export type OperatorResetResult =
  | { ok: true; store: StoreView; user: AdminUserRecord; sessionsEnded: number; pass: string; expiresAt: Date }
  | { ok: false; error: 'reason_missing' | 'operator_missing' | 'store_unknown' | 'user_unknown' };

export interface OperatorDeps {
  stores: StorePort;
  users: AdminUserPort;
  mfa: { remove(userId: string, actor: { actorId: string; ip?: string }, opts?: { mustEnrol?: boolean }): Promise<void> };
  endSessions: SessionRevoker;
  audit: AuditRecorder;
  binding: Pick<Binding, 'issuePass'>;
}

export type OperatorPassResult =
  | { ok: true; store: StoreView; user: AdminUserRecord; pass: string; expiresAt: Date }
  | { ok: false; error: 'reason_missing' | 'operator_missing' | 'store_unknown' | 'user_unknown' | 'has_mfa' };

/** A pass for a user without a factor (a demo's first start long ago, a new owner): the binding rule's only way in. */
export async function operatorIssuePass(deps: Pick<OperatorDeps, 'stores' | 'users' | 'audit' | 'binding'>, input: OperatorResetInput): Promise<OperatorPassResult> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, error: 'reason_missing' };
  if (!input.operator.trim()) return { ok: false, error: 'operator_missing' };
  const store = await deps.stores.byPrefix(input.storePrefix.trim().toLowerCase());
  if (!store) return { ok: false, error: 'store_unknown' };
  const user = await deps.users.byUsername(store.id, input.username.trim().toLowerCase());
  if (!user) return { ok: false, error: 'user_unknown' };
  // a user who has a factor adds another by signing in with it; losing them all is reset-mfa's case
  if (user.mfaEnabled) return { ok: false, error: 'has_mfa' };
  const { pass, expiresAt } = await deps.binding.issuePass(user, { actorId: null }, 'operator');
  await deps.audit.record({ type: 'access_pass.issued_by_operator', storeId: store.id, userId: user.id, actorId: null, details: { reason, operator: input.operator.trim(), host: input.host, role: user.role } });
  return { ok: true, store, user, pass, expiresAt };
}

export async function operatorResetMfa(deps: OperatorDeps, input: OperatorResetInput): Promise<OperatorResetResult> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, error: 'reason_missing' };
  if (!input.operator.trim()) return { ok: false, error: 'operator_missing' };
  const store = await deps.stores.byPrefix(input.storePrefix.trim().toLowerCase());
  if (!store) return { ok: false, error: 'store_unknown' };
  const user = await deps.users.byUsername(store.id, input.username.trim().toLowerCase());
  if (!user) return { ok: false, error: 'user_unknown' };

  // The operator is no user of the store: the lifecycle event has no actor id, the operator event names them.
  await deps.mfa.remove(user.id, { actorId: '' }, { mustEnrol: true });
  const sessionsEnded = await deps.endSessions(user.id);
  await deps.audit.record({
    type: 'mfa.reset_by_operator',
    storeId: store.id,
    userId: user.id,
    actorId: null,
    details: {
      reason,
      operator: input.operator.trim(),
      host: input.host,
      role: user.role,
      hadMfa: user.mfaEnabled,
      sessionsEnded,
    },
  });
  const after = (await deps.users.inStore(store.id, user.id)) ?? user;
  // the owner's first authenticator after the reset needs a pass too (B17): the operator passes it on, in person
  const { pass, expiresAt } = await deps.binding.issuePass(after, { actorId: null }, 'operator');
  return { ok: true, store, user: after, sessionsEnded, pass, expiresAt };
}
