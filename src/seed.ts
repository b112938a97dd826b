// Demo data: one store with an owner, an admin, a manager and a cashier; passwords are random and printed once, with
// the temporary access passes owner and admin need to set up MFA at their first sign-in (S1, B17).
import { randomBytes } from 'node:crypto';
import type { Models } from './models/index.js';
import { isStoreAdmin } from './services/roles.js';

export interface SeededUser {
  username: string;
  role: string;
  password: string;
  /** the pass for the first authenticator, for the roles that must set one up at their first sign-in */
  pass?: { pass: string; expiresAt: Date };
}

const DEMO_USERS = [
  { username: 'owner', name: 'Olivia Owner', role: 'owner', email: 'owner@demo-store.example' },
  { username: 'admin', name: 'Adam Admin', role: 'admin', email: 'admin@demo-store.example' },
  { username: 'manager', name: 'Mia Manager', role: 'manager', email: null },
  { username: 'cashier', name: 'Casey Cashier', role: 'cashier', email: 'cashier@demo-store.example' },
] as const;

// Four random words would be friendlier, but random base64url is unlisted, long enough and never breached.
const newPassword = () => randomBytes(12).toString('base64url');

export interface SeedDeps {
  hash(password: string): Promise<string>;
  /** the binding rule's pass for a first authenticator (src/services/binding) */
  issuePass(user: { id: string; storeId: string }): Promise<{ pass: string; expiresAt: Date }>;
}

export async function seedDemo(models: Models, deps: SeedDeps): Promise<SeededUser[] | undefined> {
  if (await models.StoreAccount.exists({ prefix: 'demo' })) return undefined;
  const store = await models.StoreAccount.create({ prefix: 'demo', name: 'Demo Store', country: 'NL', integrations: [] });
  const seeded: SeededUser[] = [];
  for (const u of DEMO_USERS) {
    const password = newPassword();
    const created = await models.User.create({ storeId: store._id, username: u.username, name: u.name, role: u.role, email: u.email, passwordHash: await deps.hash(password) });
    const pass = isStoreAdmin(u.role) ? await deps.issuePass({ id: String(created._id), storeId: String(store._id) }) : undefined;
    seeded.push({ username: u.username, role: u.role, password, pass });
  }
  return seeded;
}

/** What `npm start` prints once, on the first start: the sign-in of each demo user, and what owner and admin need. */
export function describeSeeded(seeded: SeededUser[]): string {
  const rows = seeded.map((u) => `  ${u.role.padEnd(8)} username ${u.username.padEnd(8)} password ${u.password}${u.pass ? `   access pass ${u.pass.pass}` : ''}`);
  const expiry = seeded.find((u) => u.pass)?.pass?.expiresAt.toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
  return [
    '',
    'Demo store "demo" created. Sign in on the demo POS with store URL "demo" and:',
    ...rows,
    '',
    'Owner and admin must set up multi-factor authentication at their first sign-in. After the password the sign-in',
    `asks for their temporary access pass (above; each works once, until ${expiry}), then for an authenticator app.`,
    'A password alone never sets up a first authenticator (B17). A new pass, if these expired or were used:',
    '  npm run ops -- issue-pass --store demo --user owner --reason "demo"',
    '',
    '',
  ].join('\n');
}
