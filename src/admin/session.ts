// Admin console sessions: random id in a signed HttpOnly cookie, record server-side (idle 30 min, absolute 8 h), CSRF bound to it.
import { createHash, randomBytes } from 'node:crypto';
import { sameToken } from '../http/form.js';
import type Koa from 'koa';
import type { AdminSessionStore, PendingAdminLogin } from '../models/stores/admin.js';

export const ADMIN_IDLE_MS = 30 * 60 * 1000;
export const ADMIN_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
const LOGIN_TTL_MS = 10 * 60 * 1000;
// the idle expiry moves forward at most once a minute, so a busy admin does not cost a write per request
const TOUCH_EVERY_MS = 60 * 1000;

export interface AdminSession {
  /** hash of the cookie value: the record's key */
  key: string;
  userId: string;
  storeId: string;
  csrf: string;
  expiresAt: Date;
}

const token = () => randomBytes(32).toString('base64url');
const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function adminSessions(store: AdminSessionStore, opts: { secure: boolean; clock: () => Date }) {
  const prefix = opts.secure ? '__Host-' : '';
  const SESSION = `${prefix}admin`;
  const BROWSER = `${prefix}admin-login`;
  const cookie = (maxAge?: number) => ({
    httpOnly: true,
    secure: opts.secure,
    sameSite: 'lax' as const,
    path: '/',
    signed: true,
    overwrite: true,
    ...(maxAge ? { maxAge } : {}),
  });
  const read = (ctx: Koa.Context, name: string) => {
    const value = ctx.cookies.get(name, { signed: true });
    return value && TOKEN.test(value) ? value : undefined;
  };

  return {
    async current(ctx: Koa.Context): Promise<AdminSession | undefined> {
      const id = read(ctx, SESSION);
      if (!id) return undefined;
      const key = hash(id);
      const now = opts.clock();
      const found = await store.find(key, now);
      if (!found) return undefined;
      const next = new Date(Math.min(now.getTime() + ADMIN_IDLE_MS, found.absoluteExpiresAt.getTime()));
      if (next.getTime() - found.expiresAt.getTime() >= TOUCH_EVERY_MS) await store.touch(key, next);
      return { key, userId: found.userId, storeId: found.storeId, csrf: found.csrf, expiresAt: next };
    },

    async start(ctx: Koa.Context, who: { userId: string; storeId: string }): Promise<void> {
      const id = token();
      const now = opts.clock().getTime();
      await store.create(hash(id), {
        userId: who.userId,
        storeId: who.storeId,
        csrf: token(),
        expiresAt: new Date(now + ADMIN_IDLE_MS),
        absoluteExpiresAt: new Date(now + ADMIN_ABSOLUTE_MS),
        ip: ctx.ip,
        userAgent: ctx.get('user-agent'),
      });
      ctx.cookies.set(SESSION, id, cookie());
    },

    async end(ctx: Koa.Context, session?: AdminSession): Promise<void> {
      const id = read(ctx, SESSION);
      if (session) await store.end(session.key);
      else if (id) await store.end(hash(id));
      ctx.cookies.set(SESSION, '', { ...cookie(), maxAge: 0 });
    },

    csrfValid: (session: AdminSession, value: unknown) => sameToken(value, session.csrf),

    // A pending sign-in is keyed by its OAuth state and bound to this browser by a cookie, so a callback URL
    // carried to another browser (login CSRF) finds nothing to complete.
    async beginLogin(ctx: Koa.Context, login: { state: string; nonce: string; verifier: string; returnTo: string | null }): Promise<void> {
      const browser = read(ctx, BROWSER) ?? token();
      ctx.cookies.set(BROWSER, browser, cookie(LOGIN_TTL_MS));
      await store.saveLogin(
        hash(login.state),
        { binding: hash(browser), nonce: login.nonce, verifier: login.verifier, returnTo: login.returnTo },
        new Date(opts.clock().getTime() + LOGIN_TTL_MS),
      );
    },

    async finishLogin(ctx: Koa.Context, state: unknown): Promise<PendingAdminLogin | undefined> {
      const browser = read(ctx, BROWSER);
      if (typeof state !== 'string' || !state || state.length > 200 || !browser) return undefined;
      const login = await store.takeLogin(hash(state), opts.clock());
      return login && sameToken(login.binding, hash(browser)) ? login : undefined;
    },
  };
}

export type AdminSessions = ReturnType<typeof adminSessions>;
