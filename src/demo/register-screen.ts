// The demo register's home screen, assembled from sections so a feature adds one function to the list.
import type { Locale } from '../http/i18n.js';
import { escapeHtml as h } from './page.js';
import { refundButton } from './approval.js';
import { quickSwitchButton, registerRow } from './quick-switch.js';
import { kitchenButton } from './kitchen-screen.js';
import { amrInWords, type DemoText } from './words.js';

export interface HomeView {
  t: DemoText;
  locale: Locale;
  claims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
  /** where "Security & ID" leads (the provider's account page) */
  securityUrl: string;
}

export type HomeSection = (view: HomeView) => string;

const text = (v: unknown) => h(String(v ?? ''));

const whoCard: HomeSection = ({ t, locale, claims, userinfo }) => {
  const role = String(userinfo.role ?? '');
  const authTime = typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : undefined;
  const time = authTime ? new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(authTime) : '';
  return `<section class="panel" aria-labelledby="who-heading">
    <h2 id="who-heading">${h(t('demo.signed_in_as'))}</h2>
    <p class="who"><span class="name" id="user-name">${text(userinfo.name ?? claims.sub)}</span>
      ${role ? `<span class="role" id="role-name">${h(t(`account.roles.${role}`))}</span>` : ''}
      ${time ? `<span class="muted">${h(t('demo.since', { time }))}</span>` : ''}</p>
    <p class="muted" id="signed-in-with">${h(t('demo.how', { how: amrInWords(t, claims.amr) }))}</p>
  </section>`;
};

const basket: HomeSection = ({ t, locale }) =>
  `<section class="panel" aria-labelledby="basket-heading">
    <h2 id="basket-heading">${h(t('demo.basket'))}</h2>
    <div class="basket"><p class="muted">${h(t('demo.basket_empty'))}</p>
      <p><span class="muted">${h(t('demo.total'))}</span> <span class="total">${h(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(0))}</span></p></div>
  </section>`;

const actions: HomeSection = ({ t, locale, securityUrl }) =>
  `<section class="panel" aria-labelledby="actions-heading">
    <h2 id="actions-heading">${h(t('demo.actions'))}</h2>
    <div class="keys">
      ${quickSwitchButton(t)}
      <a class="button" id="switch-user" href="/switch">${h(t('demo.switch_user'))}</a>
      ${refundButton(locale)}
      <a class="button secondary" id="reports" href="/reports">${h(t('demo.reports'))}</a>
      <a class="button secondary" id="security" href="${h(securityUrl)}">${h(t('demo.security'))}</a>
      ${kitchenButton(t)}
      <a class="button danger" id="sign-out" href="/logout">${h(t('demo.sign_out'))}</a>
    </div>
  </section>`;

// The raw claims, folded away: people at the till read the card above, developers open this.
const technicalDetails: HomeSection = ({ t, claims, userinfo }) => {
  const authTime = typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000).toISOString() : '';
  return `<section class="panel"><details id="technical-details">
    <summary>${h(t('demo.technical'))}</summary>
    <p class="muted">${h(t('demo.technical_hint'))}</p>
    <dl>
      <dt>sub</dt><dd id="sub">${text(claims.sub)}</dd>
      <dt>store</dt><dd id="store">${text(userinfo.store_name)} (${text(userinfo.store)})</dd>
      <dt>role</dt><dd id="role">${text(userinfo.role)}</dd>
      <dt>acr</dt><dd id="acr">${text(claims.acr)}</dd>
      <dt>amr</dt><dd id="amr">${h(JSON.stringify(claims.amr ?? []))}</dd>
      <dt>auth_time</dt><dd id="auth-time">${h(authTime)}</dd>
      <dt>sid</dt><dd id="sid">${text(claims.sid)}</dd>
      ${registerRow(claims)}
    </dl>
  </details></section>`;
};

/** The home screen's sections, top to bottom. */
export const homeSections: HomeSection[] = [whoCard, basket, actions, technicalDetails];

export const homeScreen = (view: HomeView, sections: HomeSection[] = homeSections) => sections.map((s) => s(view)).join('');

export function lockedScreen(t: DemoText, signedOutByProvider: boolean): string {
  const notice = signedOutByProvider ? `<p class="notice" id="signed-out" role="status">${h(t('demo.signed_out'))}</p>` : '';
  return `${notice}<section class="panel"><h1>${h(t('demo.locked'))}</h1><p class="muted">${h(t('demo.locked_hint'))}</p>
    <div class="keys"><a class="button" href="/login">${h(t('demo.sign_in'))}</a>${quickSwitchButton(t)}${kitchenButton(t)}</div></section>`;
}
