// Form helpers shared by the interaction, account and admin routes: the parsed body and a constant-time token check.
import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';

export const formBody = (ctx: Koa.Context): Record<string, unknown> =>
  ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;

// Compares a submitted token with the expected one without leaking where they differ (checklist 13, 60).
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
