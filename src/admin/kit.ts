// What the admin route modules share: the per-request admin context, the toolkit handed to them, error codes -> status/text.
import type Koa from 'koa';
import type { Services } from '../container.js';
import type { Renderer } from '../http/page.js';
import type { Locale } from '../http/i18n.js';
import type { AdminActor, AdminServices } from '../services/admin/index.js';
import type { StoreView, UserView } from '../services/account/users.js';
import type { AdminSession, AdminSessions } from './session.js';
import type { Section, Translate } from './views.js';

/** What every authenticated admin request carries (ctx.state.admin). */
export interface AdminRequest {
  session: AdminSession;
  actor: AdminActor;
  user: UserView;
  store: StoreView;
  locale: Locale;
  t: Translate;
}

export type AdminContext = Koa.Context & { state: { admin: AdminRequest } };

export interface AdminKit {
  admin: AdminServices;
  services: Services;
  render: Renderer;
  sessions: AdminSessions;
  authenticate(kind: 'page' | 'api'): Koa.Middleware;
  body(ctx: Koa.Context): Record<string, unknown>;
  show(ctx: Koa.Context, template: string, section: Section, view: Record<string, unknown>, status?: number): void;
  /** a registered client's name (for the sessions list) */
  clientName(clientId: string): Promise<string | undefined>;
}

/** The HTTP status of each refusal or input problem the use cases report (anything else is a 400). */
const STATUS: Record<string, number> = {
  unauthorized: 401,
  not_admin: 403,
  other_store: 403,
  self: 403,
  owner_protected: 403,
  owner_role: 403,
  csrf: 403,
  not_found: 404,
  too_many: 429,
  mfa_not_active: 409,
  username_taken: 409,
  already_shown: 409,
};
export const statusOf = (error: string): number => STATUS[error] ?? 400;

/** The translation key of an error code: the password rules share the sign-in flow's wording. */
export const errorKey = (error: string): string =>
  error.startsWith('password_') && error !== 'password_wrong' && error !== 'password_mismatch' ? `errors.${error}` : `admin.errors.${error}`;

export const adminOf = (ctx: Koa.Context): AdminRequest => (ctx as AdminContext).state.admin;
