// B25: which device a device-flow grant is for. The device's name and an id made for it ride in the grant's
// authorization details (type pos_device), which oidc-provider copies from the device code to every token and
// refresh token of that grant; tokens show them as the `device` claim, never as authorization_details.
import { randomBytes } from 'node:crypto';
import type { AuthorizationDetail, KoaContextWithOIDC } from 'oidc-provider';
import type { RarConfig } from './approval-requests.js';

export const DEVICE_TYPE = 'pos_device';

/** What the device authorization request said about the device (oidc-provider's deviceInfo). */
export interface DeviceInfo {
  id: string;
  name: string;
  ip: string;
  userAgent: string;
}

export interface DeviceClaim {
  id: string;
  name: string;
}

/** The routes where a person approves a device: the code page and the return from the sign-in. */
export const isDeviceApproval = (ctx: KoaContextWithOIDC) => ctx.oidc?.route === 'code_verification' || ctx.oidc?.route === 'device_resume';

// 72 bits: names this device's grant in tokens and the audit log
export const newDeviceId = () => randomBytes(9).toString('base64url');

type Details = readonly AuthorizationDetail[] | undefined;

/** The `device` claim of a token (or a device code) whose grant is a device's. */
export function deviceClaim(token: unknown): DeviceClaim | undefined {
  const rar = (token as { rar?: unknown } | undefined)?.rar;
  const detail = Array.isArray(rar) ? (rar as Array<Record<string, unknown>>).find((d) => d?.type === DEVICE_TYPE) : undefined;
  return detail && typeof detail.id === 'string' && typeof detail.name === 'string' ? { id: detail.id, name: detail.name } : undefined;
}

const withoutDevice = (details: Details): Details => {
  const kept = details?.filter((d) => d.type !== DEVICE_TYPE);
  return kept?.length ? kept : undefined;
};

/** The authorization-details policy with the device detail: made at the approval, kept out of what clients see. */
export function withDeviceDetails(config: RarConfig): RarConfig {
  return {
    ...config,
    async authorizationDetailsForGrantSource(ctx, code) {
      if (!isDeviceApproval(ctx)) return config.authorizationDetailsForGrantSource(ctx, code);
      const info = (ctx.oidc.deviceCode as { deviceInfo?: Partial<DeviceInfo> } | undefined)?.deviceInfo;
      return [{ type: DEVICE_TYPE, id: info?.id ?? newDeviceId(), name: info?.name ?? ctx.oidc.client?.clientName ?? '' }] as unknown as Details;
    },
    async authorizationDetailsForAccessToken(ctx, token, source, grantType) {
      return withoutDevice(await config.authorizationDetailsForAccessToken(ctx, token, source, grantType));
    },
    async authorizationDetailsForIntrospection(ctx, token) {
      return withoutDevice(await config.authorizationDetailsForIntrospection(ctx, token));
    },
  };
}
