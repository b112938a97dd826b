// The register cookie (B19): the secret that makes this browser a trusted register. `__Host-` and Secure when the
// issuer is https, like the device cookies; HttpOnly, SameSite=Lax, and long-lived: revocation is server-side.
import type Koa from 'koa';

const REGISTER_COOKIE_DAYS = 400;

export interface RegisterCookie {
  name: string;
  secure: boolean;
}

export const registerCookieFor = (secure: boolean): RegisterCookie => ({ name: secure ? '__Host-register' : 'register', secure });

export function setRegisterCookie(ctx: Koa.Context, cookie: RegisterCookie, secret: string | null) {
  ctx.cookies.set(cookie.name, secret, {
    httpOnly: true,
    secure: cookie.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: secret ? REGISTER_COOKIE_DAYS * 86_400_000 : 0,
    overwrite: true,
  });
}
