// The flow state a new interaction starts with: who may already be known (a live session, a hinted store), what the
// client and the request demand, which language to speak.
import type { Services } from '../container.js';
import { pickLocale } from '../http/i18n.js';
import { ACR, asksQuickSwitch, demandsMfa, demandsPhishingResistant } from '../provider/acr.js';
import { STEP_UP } from '../provider/interaction-policy.js';
import type { FlowState } from './state.js';
import { approvalStateOf } from '../../interactions/approval/state.js';

export interface InteractionView {
  uid: string;
  params: Record<string, unknown>;
  prompt: { reasons: string[] };
  session?: { accountId?: string; acr?: string };
  /** set when a person approves a device (the device authorization grant, B25) */
  deviceCode?: string;
}

export interface ClientView {
  clientId: string;
  applicationType?: string;
  [key: string]: unknown;
}

// prompt=login or a max_age (the request's or the client's default_max_age) asks for a fresh authentication: a
// remembered device then does not skip the second factor (checklist 52; OIDC Core §3.1.2.1)
const demandsFreshAuthentication = (params: Record<string, string | undefined>, client: ClientView | undefined) =>
  (params.prompt ?? '').split(' ').includes('login') || params.max_age !== undefined || client?.defaultMaxAge !== undefined;

export async function initialFlowState(interaction: InteractionView, client: ClientView | undefined, acceptLanguage: string, services: Services): Promise<FlowState> {
  const params = interaction.params as Record<string, string | undefined>;
  const reasons = interaction.prompt.reasons;
  const sessionAccount = interaction.session?.accountId;
  // only a missing second factor on a live session is a step-up; any freshness demand means the full sign-in
  // a quick-switch session (a PIN) never steps up with a second factor alone: its password was never proved (B19)
  const stepUpOnly = reasons.length > 0 && reasons.every((r) => r === STEP_UP.mfa || r === STEP_UP.phr) && interaction.session?.acr !== ACR.switch;
  const state: FlowState = {
    uid: interaction.uid,
    locale: pickLocale(params.ui_locales, acceptLanguage),
    clientId: client?.clientId ?? '',
    native: client?.applicationType === 'native',
    mfaDemanded: demandsMfa(client, interaction.params),
    phrDemanded: demandsPhishingResistant(client, interaction.params),
    stepUp: Boolean(sessionAccount) && stepUpOnly,
    freshDemanded: demandsFreshAuthentication(params, client),
  };
  const sessionUser = sessionAccount ? await services.users.byId(sessionAccount) : undefined;
  // B19: on a trusted register the first page may be "who is switching in?"; the current user bounds who may use a PIN
  // a device is approved by a full sign-in (B25): never by a PIN
  if (asksQuickSwitch(client, interaction.params) && !interaction.deviceCode) state.quickSwitch = { fromRole: sessionUser?.role, fromStoreId: sessionUser?.storeId };
  if (sessionUser && state.stepUp) {
    Object.assign(state, { userId: sessionUser.id, storeId: sessionUser.storeId, username: sessionUser.username, passwordVerified: true });
  } else if (sessionUser) {
    // switching user on a shared register (S9): same store, fresh username and password
    const store = await services.users.storeById(sessionUser.storeId);
    if (store) Object.assign(state, { storeId: store.id, storePrefix: store.prefix, switchingUser: reasons.includes('login_prompt') });
  }
  const hintedStore = params.store ?? params.login_hint?.split(':')[0];
  if (!state.storeId && hintedStore) {
    const store = await services.users.storeByPrefix(hintedStore);
    if (store) Object.assign(state, { storeId: store.id, storePrefix: store.prefix });
  }
  // B20: a manager's approval of the cashier's transaction, in the cashier's store; always with a second factor
  const back = params.redirect_uri ? { redirectUri: params.redirect_uri, state: params.state, responseMode: params.response_mode } : undefined;
  const approval = approvalStateOf(params.authorization_details, sessionUser ?? undefined, back);
  if (approval) Object.assign(state, { approval, mfaDemanded: true, switchingUser: false });
  return state;
}
