// The signed-in account for /account pages: the provider's own session cookie, plus a CSRF token bound to that session.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { Provider } from 'oidc-provider';

export interface AccountSession {
  accountId: string;
  sessionId: string;
  acr: string | undefined;
  csrf: string;
}

export function accountSessions(provider: Provider, csrfKey: string) {
  const tokenFor = (sessionId: string) => createHmac('sha256', csrfKey).update(`account-csrf:${sessionId}`).digest('base64url');
  return {
    async current(ctx: Koa.Context): Promise<AccountSession | undefined> {
      const session = await provider.Session.get(ctx as never);
      if (!session?.accountId) return undefined;
      return { accountId: session.accountId, sessionId: session.jti, acr: session.acr, csrf: tokenFor(session.jti) };
    },
    csrfValid(session: AccountSession, token: unknown): boolean {
      if (typeof token !== 'string') return false;
      const a = Buffer.from(token);
      const b = Buffer.from(session.csrf);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
