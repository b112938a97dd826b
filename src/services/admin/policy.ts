// The store's MFA policy as admins see and change it; admins always need MFA, the AU + Xero rule is shown when it applies (S1, S5, D5).
import type { AuditRecorder } from '../audit/index.js';
import type { StoreView } from '../account/users.js';
import type { StorePolicy, StorePort } from './ports.js';
import { isConsoleRole, type Party } from './rules.js';
import type { Locale } from '../locale.js';
import { localeForCountry, type LanguageService } from '../account/language.js';

export const REMEMBER_DAYS = { min: 1, max: 90 } as const;
/** Provider session timeouts (B15, checklist 57: idle at most 1 h, overall at most 24 h for AAL2). */
export const SESSION_IDLE_MINUTES = { min: 5, max: 60 } as const;
export const SESSION_ABSOLUTE_HOURS = { min: 1, max: 24 } as const;

export interface PolicyView {
  policy: StorePolicy;
  /** S1: owners and admins always need MFA; not a setting */
  adminsRequired: true;
  /** S5: every Australian store integrated with Xero must use MFA for its admins */
  auXero: { active: boolean; country: string; xero: boolean };
  /** B22: the language of emails to users who have never used a page; chosen, else by country */
  language: { locale: Locale; chosen: boolean; byCountry: Locale };
}

export type PolicyError = 'not_admin' | 'admins_always_required' | 'remember_days_range' | 'session_idle_range' | 'session_absolute_range';

const within = (n: number, r: { min: number; max: number }) => Number.isInteger(n) && n >= r.min && n <= r.max;

export function policyViewOf(store: StoreView): PolicyView {
  const xero = store.integrations.some((i) => i.trim().toLowerCase() === 'xero');
  const country = store.country.trim().toUpperCase();
  return {
    policy: { ...store.policy },
    adminsRequired: true,
    auXero: { active: country === 'AU' && xero, country, xero },
    language: { locale: store.locale, chosen: store.localeChosen, byCountry: localeForCountry(country) },
  };
}

export function createAdminPolicyService(deps: { stores: StorePort; audit: AuditRecorder; languages: Pick<LanguageService, 'chooseForStore'> }) {
  const load = async (storeId: string) => {
    const store = await deps.stores.byId(storeId);
    if (!store) throw new Error(`store ${storeId} is gone`);
    return store;
  };

  return {
    async view(actor: Party): Promise<PolicyView> {
      return policyViewOf(await load(actor.storeId));
    },

    /** The store's default language for emails; null: by the store's country (audited there). */
    async setLanguage(actor: Party & { ip?: string }, locale: Locale | null): Promise<{ ok: true } | { ok: false; error: PolicyError }> {
      if (!isConsoleRole(actor.role)) return { ok: false, error: 'not_admin' };
      await deps.languages.chooseForStore(actor.storeId, locale, { actorId: actor.id, ip: actor.ip });
      return { ok: true };
    },

    // A partial change: fields left out keep their value. Applies from the next sign-in (the flow reads it then).
    async update(
      actor: Party & { ip?: string; userAgent?: string },
      change: Partial<StorePolicy> & { requireForAdmins?: boolean },
    ): Promise<{ ok: true; value: PolicyView } | { ok: false; error: PolicyError }> {
      if (!isConsoleRole(actor.role)) return { ok: false, error: 'not_admin' };
      if (change.requireForAdmins === false) return { ok: false, error: 'admins_always_required' };
      const store = await load(actor.storeId);
      const before = store.policy;
      const after: StorePolicy = {
        requireForManagers: change.requireForManagers ?? before.requireForManagers,
        requireForEveryone: change.requireForEveryone ?? before.requireForEveryone,
        rememberDeviceAllowed: change.rememberDeviceAllowed ?? before.rememberDeviceAllowed,
        rememberDeviceDays: change.rememberDeviceDays ?? before.rememberDeviceDays,
        passwordEnrolmentUntil: change.passwordEnrolmentUntil === undefined ? before.passwordEnrolmentUntil : change.passwordEnrolmentUntil,
        sessionIdleMinutes: change.sessionIdleMinutes ?? before.sessionIdleMinutes,
        sessionAbsoluteHours: change.sessionAbsoluteHours ?? before.sessionAbsoluteHours,
        managerMfaBy: change.managerMfaBy === undefined ? before.managerMfaBy : change.managerMfaBy,
        cashierMfaBy: change.cashierMfaBy === undefined ? before.cashierMfaBy : change.cashierMfaBy,
      };
      const days = after.rememberDeviceDays;
      if (!Number.isInteger(days) || days < REMEMBER_DAYS.min || days > REMEMBER_DAYS.max) return { ok: false, error: 'remember_days_range' };
      if (!within(after.sessionIdleMinutes, SESSION_IDLE_MINUTES)) return { ok: false, error: 'session_idle_range' };
      if (!within(after.sessionAbsoluteHours, SESSION_ABSOLUTE_HOURS)) return { ok: false, error: 'session_absolute_range' };
      const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);
      const changed = (Object.keys(after) as Array<keyof StorePolicy>).filter((k) => !same(after[k], before[k]));
      if (changed.length) {
        await deps.stores.setPolicy(actor.storeId, after);
        await deps.audit.record({
          type: 'admin.policy_changed',
          storeId: actor.storeId,
          actorId: actor.id,
          ip: actor.ip,
          userAgent: actor.userAgent,
          details: { changed, before, after },
        });
      }
      return { ok: true, value: policyViewOf({ ...store, policy: after }) };
    },
  };
}

export type AdminPolicyService = ReturnType<typeof createAdminPolicyService>;
