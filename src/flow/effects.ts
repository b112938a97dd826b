// What a step's effects do: the remember-device cookie, the "wrong second factor" email, audit events.
import type Koa from 'koa';
import type { Services } from '../container.js';
import type { FlowState } from './state.js';
import type { Effect } from './step.js';
import { requestScope } from '../models/stores/request-scope.js';

export interface DeviceCookie {
  name: string;
  secure: boolean;
}

export async function applyEffects(ctx: Koa.Context, services: Services, effects: Effect[] | undefined, state: FlowState, remember: { days: number; cookie: DeviceCookie }) {
  for (const effect of effects ?? []) {
    if (effect.kind === 'remember-device') {
      const token = await services.devices.remember(effect.userId, remember.days, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
      ctx.cookies.set(remember.cookie.name, token, {
        httpOnly: true,
        secure: remember.cookie.secure,
        sameSite: 'lax',
        path: '/',
        maxAge: remember.days * 86_400_000,
        overwrite: true,
      });
    } else if (effect.kind === 'notify-second-factor-failed') {
      const details = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
      const tell = async () => {
        // parallel wrong codes of one sign-in all ask; the marker lets one of them tell the user
        const once = await services.once.claim({ key: `notified:second-factor:${state.uid}`, expiresAt: new Date(services.clock().getTime() + 2 * 3600_000) });
        if (once) await services.notify({ type: 'second_factor_failed', userId: effect.userId, details });
      };
      if (effect.afterAnswer) requestScope.afterAnswer(tell);
      else await tell();
    } else if (effect.kind === 'audit') {
      await services.audit.record({
        type: effect.type,
        userId: effect.userId ?? state.userId,
        storeId: effect.storeId ?? state.storeId,
        ip: ctx.ip,
        userAgent: ctx.get('user-agent'),
        details: { clientId: state.clientId, ...effect.details },
      });
    }
  }
}
