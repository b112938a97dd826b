// The facts a request's steps decide on, read once per request: the store (cached), the user (one read), the device.
import type { Services } from '../container.js';
import type { FlowFacts, FlowState } from './state.js';
import { rolloutFor } from '../services/rollout/deadline.js';
import { storeTimeZone } from '../services/policy/time-zone.js';
import type { Role } from '../services/policy/index.js';
import type { StoreView } from '../services/account/users.js';

const pendingRollout = (role: Role, store: StoreView | undefined, now: Date) => {
  const rollout = store && rolloutFor(role, store, now);
  return rollout && !rollout.enforced ? rollout : undefined;
};

// the admin who reset a user's MFA, by name (read only while that user must enrol again); '' is the support operator
const resetterName = async (services: Pick<Services, 'users'>, by: string) => (by ? ((await services.users.byId(by))?.name ?? null) : null);

export async function loadFacts(services: Services, state: FlowState, cookies: { remembered?: string; known?: string; register?: string }, client: { requireMfa: boolean }): Promise<FlowFacts> {
  const user = state.userId ? await services.users.byId(state.userId) : undefined;
  const register = await services.quickSwitch.lookup(cookies.register);
  // once the user is known, the policy is always their own store's, whatever the flow state says; before anyone is
  // named, a trusted register's store (B19), unless the person asked for another one
  const storeId = user?.storeId ?? state.storeId ?? (state.storeAsked ? undefined : register.live?.storeId);
  const store = storeId ? await services.users.storeById(storeId) : undefined;
  const deviceRemembered = Boolean(user && cookies.remembered && (await services.devices.isRemembered(user.id, cookies.remembered)));
  return {
    now: services.clock(),
    store: store && { id: store.id, prefix: store.prefix, name: store.name, timeZone: storeTimeZone({ country: store.country, timeZone: store.policy.timeZone }), passwordEnrolmentUntil: store.policy.passwordEnrolmentUntil },
    user: user && {
      id: user.id,
      username: user.username,
      name: user.name,
      role: user.role,
      mfaEnabled: user.mfaEnabled,
      credentialTypes: user.credentialTypes,
      mustEnrol: user.mustEnrol,
      mustChangePassword: user.mustChangePassword,
      mfaRequired: store ? services.policy.required(user, store, client) : true,
      email: user.email,
      emailVerified: user.emailVerified,
      emailChangedAt: user.emailChangedAt,
      throttle: user.throttle,
      sessionsEnded: user.sessionsEnded ?? 0,
      locale: user.locale,
      localeChosen: user.localeChosen,
      rollout: pendingRollout(user.role, store, services.clock()),
      mfaReset: user.mfaReset ? { byName: await resetterName(services, user.mfaReset.by), at: user.mfaReset.at } : undefined,
    },
    deviceRemembered,
    device: services.knownDevices.parse(cookies.known),
    // a manager's approval on a register (B20) never leaves a remembered device of the manager behind
    rememberAllowed: !state.native && !state.approval && (store?.policy.rememberDeviceAllowed ?? true),
    rememberDays: store?.policy.rememberDeviceDays ?? services.config.rememberDeviceDays,
    register: register.live,
    registerRevoked: Boolean(register.revoked),
  };
}
