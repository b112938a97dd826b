// The user's second factor on a reset link's page (B14; checklist 70): the factors' own sign-in verify steps, run on a
// flow state made for the link (never stored), so codes, passkeys and recovery codes are checked, throttled and
// counted exactly as at sign-in; the link's nonce stands in for the interaction (challenge binding, one alarm email).
import type Koa from 'koa';
import type { Factor } from '../../factors/factor.js';
import { FACTOR_IDS, type FactorId } from '../../factors/ids.js';
import { currentFactor, factors } from '../../factors/index.js';
import type { Services } from '../container.js';
import { applyEffects, type DeviceCookie } from '../flow/effects.js';
import { loadFacts } from '../flow/facts.js';
import type { FlowFacts, FlowState } from '../flow/state.js';
import type { Effect } from '../flow/step.js';
import type { Locale } from '../http/i18n.js';
import type { OpenLink } from '../services/password-reset/index.js';

export interface FactorCheck {
  state: FlowState;
  facts: FlowFacts;
  /** the factor asked for now (undefined: the user has none) */
  factor?: Factor;
  /** the user's other factors, to switch to */
  others: Factor[];
}

const isFactorId = (v: unknown): v is FactorId => typeof v === 'string' && (FACTOR_IDS as readonly string[]).includes(v);

export async function factorCheck(ctx: Koa.Context, services: Services, cookies: { device: DeviceCookie; known: DeviceCookie }, link: OpenLink, locale: Locale, chosen: unknown): Promise<FactorCheck> {
  const state: FlowState = {
    uid: `reset-${link.nonce}`,
    locale,
    clientId: 'password-reset',
    native: false,
    // every factor the user has counts, and a remembered device never skips it
    mfaDemanded: true,
    stepUp: false,
    storeId: link.store.id,
    storePrefix: link.store.prefix,
    userId: link.user.id,
    username: link.user.username,
    factor: isFactorId(chosen) ? chosen : undefined,
  };
  const loaded = await loadFacts(services, state, { remembered: ctx.cookies.get(cookies.device.name), known: ctx.cookies.get(cookies.known.name) }, { requireMfa: true });
  // nothing here remembers a device
  const facts: FlowFacts = { ...loaded, rememberAllowed: false };
  const factor = currentFactor(state, facts);
  const user = facts.user;
  const others = factor && user ? factors.filter((f) => f !== factor && f.enrolled(user)) : [];
  return { state, facts, factor, others };
}

/** Runs the factor's verify step; its effects (audit, the once-per-link "wrong code" email) are applied here. */
export async function verifyFactor(ctx: Koa.Context, services: Services, cookie: DeviceCookie, check: FactorCheck & { factor: Factor }, body: Record<string, unknown>) {
  const parsed = check.factor.verify.input.safeParse(body);
  if (!parsed.success) return { ok: false as const, error: 'invalid_input' };
  const result = await check.factor.verify.submit(parsed.data, check.state, check.facts, services, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
  const effects = ((result.kind === 'abort' ? [] : result.effects) ?? []).map(
    (e): Effect => (e.kind === 'audit' ? { ...e, type: e.type.replace(/^signin\./, 'password_reset.') } : e),
  );
  await applyEffects(ctx, services, effects, check.state, { days: check.facts.rememberDays, cookie });
  if (result.kind === 'advance') return { ok: true as const };
  if (result.kind === 'rerender') return { ok: false as const, error: result.error, vars: result.vars };
  return { ok: false as const, error: 'invalid_input' };
}
