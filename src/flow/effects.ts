// What a step's effects do: the remember-device cookie, the "wrong second factor" email (held back, withdrawn by a
// right one), audit events.
import type Koa from 'koa';
import type { Services } from '../container.js';
import type { FlowState } from './state.js';
import type { Effect } from './step.js';
import { secondFactorDone } from '../../factors/index.js';
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
      const where = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
      const tell = () => services.secondFactorAlarm.failed(state.uid, effect.userId, where, effect.failures);
      if (effect.afterAnswer) requestScope.afterAnswer(tell);
      else await tell();
    } else if (effect.kind === 'second-factor-passed') {
      await services.secondFactorAlarm.passed(state.uid, effect.userId);
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

/** A submission that proved the second factor after wrong ones in this sign-in also withdraws their held alarm. */
export function withAlarmWithdrawn(before: FlowState, after: FlowState, effects: Effect[] | undefined): Effect[] | undefined {
  if (!before.secondFactorFailures || secondFactorDone(before) || !secondFactorDone(after) || !after.userId) return effects;
  return [...(effects ?? []), { kind: 'second-factor-passed', userId: after.userId }];
}
