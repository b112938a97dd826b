// B25: the device authorization grant (RFC 8628) for POS hardware without a keyboard. oidc-provider runs the protocol;
// this module gives it our pages (enter the code, approve the device, done; English and Dutch), the device's name,
// the throttle on wrong codes and the audit events. The approver signs in fully (src/provider/interaction-policy.ts).
import type Koa from 'koa';
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Services } from '../container.js';
import type { Locale } from '../http/i18n.js';
import type { Renderer } from '../http/page.js';
import { addressInWords } from '../http/session-rows.js';
import { type DeviceInfo, newDeviceId } from './device-details.js';

type DeviceFlow = NonNullable<NonNullable<Configuration['features']>['deviceFlow']>;

// a name for people: 1-64 characters, none of them control or formatting characters
const DEVICE_NAME = /^[^\p{C}]{1,64}$/u;

/** The device authorization request's own `device_name` (an extra parameter): what the approver is shown. */
export async function checkDeviceName(_ctx: KoaContextWithOIDC, value: string | undefined): Promise<void> {
  if (value !== undefined && (!DEVICE_NAME.test(value) || !value.trim())) throw new errors.InvalidRequest('device_name must be 1 to 64 printable characters');
}

interface Deps {
  render: Pick<Renderer, 'page' | 't'>;
  services: Pick<Services, 'users' | 'audit' | 'userCodes'>;
  /** the approver's language: their browser's (the device's ui_locales are for its own screen) */
  localeOf: (ctx: KoaContextWithOIDC) => Locale;
}

const REFUSED_CODE: Record<string, string> = { NotFoundError: 'unknown', ExpiredError: 'expired', AlreadyUsedError: 'used' };

export function deviceFlow({ render, services, localeOf }: Deps): DeviceFlow {
  const show = (ctx: KoaContextWithOIDC, template: string, view: Record<string, unknown>, status = 200) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = render.page(template, view, localeOf(ctx));
  };
  const meta = (ctx: KoaContextWithOIDC) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });
  const xsrfOf = (ctx: KoaContextWithOIDC) => (ctx.oidc.session?.state as { secret?: string } | undefined)?.secret;
  const deviceOf = (ctx: KoaContextWithOIDC) => (ctx.oidc.entities.DeviceCode as { deviceInfo?: Partial<DeviceInfo>; clientId?: string } | undefined);

  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    deviceInfo(ctx) {
      const name = ctx.oidc.params?.device_name;
      const info: DeviceInfo = { id: newDeviceId(), name: typeof name === 'string' ? name.trim() : (ctx.oidc.client?.clientName ?? ''), ip: ctx.ip, userAgent: ctx.get('user-agent') };
      return { ...info };
    },

    // the code page: first visit, a refused code, a cancelled approval, or a sign-in that could not approve
    async userCodeInputSource(ctx, _form, out, err) {
      const name = (err as Error | undefined)?.name ?? '';
      const userCode = (err as { userCode?: string } | undefined)?.userCode;
      const view = { action: ctx.oidc.urlFor('code_verification'), xsrf: xsrfOf(ctx), userCode };
      if (!out) return show(ctx, 'device-code', view);
      const refused = REFUSED_CODE[name];
      if (refused) {
        await services.audit.record({ type: 'device_flow.code_refused', ...meta(ctx), details: { reason: refused } });
        if (refused === 'unknown') {
          const verdict = await services.userCodes.wrong(ctx.ip);
          if (!verdict.ok) {
            await services.audit.record({ type: 'device_flow.code_throttled', ...meta(ctx), details: { minutes: verdict.minutes } });
            return show(ctx, 'device-code', { ...view, throttled: true, error: render.t(localeOf(ctx), 'device.errors.throttled', { minutes: verdict.minutes }) }, 429);
          }
        }
        return show(ctx, 'device-code', { ...view, error: render.t(localeOf(ctx), `device.errors.${refused}`), errorCode: refused }, 400);
      }
      if (name === 'NoCodeError') return show(ctx, 'device-code', { ...view, error: render.t(localeOf(ctx), 'device.errors.no_code') }, 400);
      const device = deviceOf(ctx);
      const declined = name === 'AbortedError' || out.error === 'access_denied';
      await services.audit.record({
        type: declined ? 'device_flow.declined' : 'device_flow.failed',
        ...meta(ctx),
        details: { clientId: device?.clientId ?? null, deviceName: device?.deviceInfo?.name ?? null, ...(declined ? {} : { error: out.error }) },
      });
      const key = declined ? 'declined' : out.error === 'unmet_authentication_requirements' ? 'unmet' : 'failed';
      show(ctx, 'device-code', { ...view, userCode: undefined, ended: true, error: render.t(localeOf(ctx), `device.errors.${key}`) }, declined ? 200 : 400);
    },

    // before any sign-in: which device, of which app, asked from where; approve or cancel
    async userCodeConfirmSource(ctx, _form, client, deviceInfo, userCode) {
      const info = deviceInfo as Partial<DeviceInfo>;
      const t = (key: string) => render.t(localeOf(ctx), key);
      show(ctx, 'device-confirm', {
        action: ctx.oidc.urlFor('code_verification'),
        xsrf: xsrfOf(ctx),
        userCode,
        clientName: client.clientName ?? client.clientId,
        deviceName: info.name || client.clientName || client.clientId,
        address: addressInWords(t, info.ip) ?? '',
      });
    },

    async successSource(ctx) {
      const code = ctx.oidc.deviceCode as unknown as { accountId: string; clientId: string; acr?: string; amr?: string[]; deviceInfo?: Partial<DeviceInfo> };
      const approver = await services.users.byId(code.accountId);
      await services.audit.record({
        type: 'device_flow.approved',
        userId: code.accountId,
        actorId: code.accountId,
        storeId: approver?.storeId ?? null,
        ...meta(ctx),
        details: { clientId: code.clientId, deviceName: code.deviceInfo?.name ?? null, deviceId: code.deviceInfo?.id ?? null, deviceAddress: code.deviceInfo?.ip ?? null, acr: code.acr, amr: code.amr },
      });
      // The device's grant is the device's: the approving browser's session keeps no hold on it, so signing out there
      // or ending that session leaves the device signed in (docs/integrators.md). The session is saved after this.
      const authorizations = ctx.oidc.session?.authorizations as Record<string, unknown> | undefined;
      if (authorizations) delete authorizations[code.clientId];
      show(ctx, 'device-done', { deviceName: code.deviceInfo?.name || ctx.oidc.client?.clientName || code.clientId, approverName: approver?.name ?? '' });
    },
  };
}

/**
 * oidc-provider middleware (provider.use): every code sent to the code page counts against the address's wrong
 * codes (src/services/throttle/user-codes.ts); an address that used them up is refused before the code is looked up.
 */
export function userCodeThrottle({ render, services, localeOf }: Deps, path: string) {
  return async (ctx: Koa.Context, next: () => Promise<void>) => {
    if (ctx.method !== 'POST' || ctx.path !== path) return next();
    const verdict = services.userCodes.check(ctx.ip);
    if (verdict.ok) return next();
    const locale = localeOf(ctx as unknown as KoaContextWithOIDC);
    ctx.status = 429;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = render.page('device-code', { throttled: true, error: render.t(locale, 'device.errors.throttled', { minutes: verdict.minutes }) }, locale);
  };
}
