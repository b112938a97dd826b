// The signed-in account for /account pages: the provider's own session cookie, plus a CSRF token bound to that session.
import { createHmac } from 'node:crypto';
import { sameToken } from '../http/form.js';
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
    csrfValid: (session: AccountSession, token: unknown) => sameToken(token, session.csrf),
  };
}
