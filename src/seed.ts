// Demo data: one store with an owner, an admin, a manager and a cashier; passwords are random and printed once.
import { randomBytes } from 'node:crypto';
import type { Models } from './models/index.js';

export interface SeededUser {
  username: string;
  role: string;
  password: string;
}

const DEMO_USERS = [
  { username: 'owner', name: 'Olivia Owner', role: 'owner', email: 'owner@demo-store.example' },
  { username: 'admin', name: 'Adam Admin', role: 'admin', email: 'admin@demo-store.example' },
  { username: 'manager', name: 'Mia Manager', role: 'manager', email: null },
  { username: 'cashier', name: 'Casey Cashier', role: 'cashier', email: 'cashier@demo-store.example' },
] as const;

// Four random words would be friendlier, but random base64url is unlisted, long enough and never breached.
const newPassword = () => randomBytes(12).toString('base64url');

export async function seedDemo(models: Models, hash: (pw: string) => Promise<string>): Promise<SeededUser[] | undefined> {
  if (await models.StoreAccount.exists({ prefix: 'demo' })) return undefined;
  const store = await models.StoreAccount.create({ prefix: 'demo', name: 'Demo Store', country: 'NL', integrations: [] });
  const seeded: SeededUser[] = [];
  for (const u of DEMO_USERS) {
    const password = newPassword();
    await models.User.create({ storeId: store._id, username: u.username, name: u.name, role: u.role, email: u.email, passwordHash: await hash(password) });
    seeded.push({ username: u.username, role: u.role, password });
  }
  return seeded;
}
