// All mongoose models bound to one connection.
import type { Connection } from 'mongoose';
import { storeAccountModel } from './store-account.js';
import { userModel } from './user.js';
import { auditEventModel } from './audit-event.js';
import { recoveryCodeModel } from './recovery-code.js';
import { consumedMarkerModel } from './consumed-marker.js';
import { rememberedDeviceModel } from './remembered-device.js';
import { flowStateModel } from './flow-state.js';
import { oidcPayloadModel } from './oidc-payload.js';
import { appSecretModel } from './app-secret.js';
import { outboxMessageModel } from './outbox-message.js';
import { adminSessionModel } from './admin-session.js';
import { accessPassModel } from './access-pass.js';
import { registerModel } from './register.js';
import { registerSignInModel } from './register-sign-in.js';
import { userPinModel } from './user-pin.js';
import { housekeepingModel } from './housekeeping.js';

export function createModels(conn: Connection) {
  return {
    StoreAccount: storeAccountModel(conn),
    User: userModel(conn),
    AuditEvent: auditEventModel(conn),
    RecoveryCode: recoveryCodeModel(conn),
    ConsumedMarker: consumedMarkerModel(conn),
    RememberedDevice: rememberedDeviceModel(conn),
    FlowState: flowStateModel(conn),
    OidcPayload: oidcPayloadModel(conn),
    AppSecret: appSecretModel(conn),
    // emails and back-channel logout tokens waiting to go (src/outbox)
    OutboxMessage: outboxMessageModel(conn),
    AdminSession: adminSessionModel(conn),
    AccessPass: accessPassModel(conn),
    // B19: trusted registers, the day's full sign-ins on them, personal PINs
    Register: registerModel(conn),
    RegisterSignIn: registerSignInModel(conn),
    UserPin: userPinModel(conn),
    // the expiry sweep's progress (src/db/sweeper.ts)
    Housekeeping: housekeepingModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;

// The large expiring collections also carry expiresBucket (src/db/expiry.ts) for an index-backed sweep.
export const BUCKETED: Array<keyof Models> = ['OidcPayload', 'ConsumedMarker'];

// Collections whose documents carry expiresAt: queried with expiresAt > now, swept, TTL-indexed only on MongoDB.
export const EXPIRING: Array<keyof Models> = [
  'ConsumedMarker',
  'RememberedDevice',
  'FlowState',
  'OidcPayload',
  'OutboxMessage',
  'AdminSession',
  'AccessPass',
  'RegisterSignIn',
];
