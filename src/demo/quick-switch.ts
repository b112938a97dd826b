// Demo POS, quick switching on a trusted register (B19): the "Switch" button starts an authorization request for the
// switch level, so the provider (the source of truth) shows who signed in fully on this register today, then the PIN;
// the signed-in panel names the register a quick switch happened on.
import { escapeHtml as h } from './page.js';
import type { DemoText } from './words.js';

export const SWITCH_ACR = 'urn:pos-idp:acr:switch';

/** The authorization parameters of a quick switch: a fresh authentication, at the switch level or above. */
export const QUICK_SWITCH_REQUEST = { prompt: 'login', acr_values: SWITCH_ACR };

export const quickSwitchButton = (t: DemoText) => `<a class="button" id="quick-switch" href="/quick-switch">${h(t('demo.quick_switch'))}</a>`;

/** The name of the register the ID token names (only a quick switch has one). */
export function registerName(claims: Record<string, unknown>): string | undefined {
  const register = claims.register as { name?: unknown } | undefined;
  return typeof register?.name === 'string' ? register.name : undefined;
}

export function registerRow(claims: Record<string, unknown>): string {
  const name = registerName(claims);
  return name ? `<dt>register</dt><dd id="register">${h(name)}</dd>` : '';
}
