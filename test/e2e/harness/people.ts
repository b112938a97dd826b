// The people a browser test signs in as: a store's owner, admin, manager or cashier with a password and, when the test
// needs one, an authenticator app on the test's clock and its recovery codes.
import { createTotp } from '../../../src/services/totp/index.js';
import { enrolOnClock, type TestClock } from '../../helpers/clocked-app.js';
import type { Stack } from '../../helpers/stack.js';

export type Role = 'owner' | 'admin' | 'manager' | 'cashier';

/** Whatever gives a six-digit code of the person's authenticator app. */
export interface CodeSource {
  code(): string | Promise<string>;
}

export interface Person {
  /** The prefix of the store URL the person signs in at. */
  store: string;
  username: string;
  password: string;
  /** The authenticator app, once set up. */
  app?: CodeSource;
  /** The recovery codes not used yet (a sign-in with one takes it off). */
  recoveryCodes?: string[];
}

export interface StoreUser extends Person {
  id: string;
  storeId: string;
  role: Role;
}

export interface NewPerson {
  password: string;
  /** Set up an authenticator app through the real service (and keep its recovery codes). */
  totp?: boolean;
  /** More fields of the user document (name, email, mustEnrol, active, ...). */
  fields?: Record<string, unknown>;
}

export interface TestStore {
  id: string;
  prefix: string;
  add(username: string, role: Role, person: NewPerson): Promise<StoreUser>;
}

export async function createTestStore(stack: Stack, clock: TestClock, prefix: string, fields: Record<string, unknown> = {}): Promise<TestStore> {
  const storeId = await stack.createStore(prefix, fields);
  return {
    id: storeId,
    prefix,
    async add(username, role, { password, totp, fields: extra }) {
      const id = await stack.createUser(storeId, username, role, password, extra);
      const app = totp ? await enrolOnClock(stack, clock, id, prefix, username) : undefined;
      return { id, storeId, role, store: prefix, username, password, app, recoveryCodes: app?.recoveryCodes.slice() };
    },
  };
}

/** The codes of an app set up in the browser (its secret read from the page), on the provider's clock. */
export function appOnClock(secret: string, clock: TestClock): CodeSource {
  const totp = createTotp({ clock: clock.now, issuer: 'test' });
  const stepNow = () => Math.floor(clock.now().getTime() / 30_000);
  let lastStep = Number.NEGATIVE_INFINITY;
  return {
    code() {
      // each time step is accepted once per user: the provider's clock moves on instead of the test waiting
      while (stepNow() <= lastStep) clock.later(30_000);
      lastStep = stepNow();
      return totp.currentCode(secret, clock.now());
    },
  };
}
