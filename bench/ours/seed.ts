// ALL of the bench's user seeding for our provider (stores, users with a password and an enrolled TOTP secret): the one file to follow schema changes.
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../src/models/index.js';
import { createPasswordHasher } from '../../src/services/passwords/index.js';
import { createSecretBox, parseKeyring, type SecretBox } from '../../src/services/secrets/index.js';
import { createTotp } from '../../src/services/totp/index.js';
import { newCredentialKey } from '../../src/services/mfa/credentials.js';
import type { BenchUser } from '../lib/target.js';

export const BENCH_STORE = 'bench';
const BATCH = 1_000;

export interface Credentials {
  password: string;
  /** the project's argon2id hash of `password` (m=19 MiB, t=2, p=1), made once and shared: same cost per verify */
  passwordHash: string;
  box: SecretBox;
}

/** One password for every seeded user, hashed once with the project's hasher; the TOTP secrets sealed with TOTP_KEYS. */
export async function benchCredentials(totpKeys: string): Promise<Credentials> {
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  return { password, passwordHash: await createPasswordHasher().hash(password), box: createSecretBox(parseKeyring(totpKeys)) };
}

export async function createStore(models: Models, prefix: string): Promise<Types.ObjectId> {
  const store = await models.StoreAccount.create({ prefix, name: `${prefix} store`, country: 'NL' });
  return store._id as Types.ObjectId;
}

const totp = createTotp({ clock: () => new Date(), issuer: 'POS Sign-in' });

/**
 * Inserts `count` cashiers of one store with MFA enrolled, as src/services/mfa confirmEnrolment leaves them
 * (secret sealed under the current key with the user id as context, lastStep 0), without its per-user
 * round trips (a marker, a read, an update, recovery codes, an audit event and an email each).
 */
export async function insertUsers(
  models: Models,
  opts: { storeId: Types.ObjectId; count: number; usernameOf: (i: number) => string; credentials: Credentials; role?: 'owner' | 'admin' | 'manager' | 'cashier' },
): Promise<Array<BenchUser & { id: string }>> {
  const { storeId, count, usernameOf, credentials, role = 'cashier' } = opts;
  const users: Array<BenchUser & { id: string }> = [];
  const now = new Date();
  for (let start = 0; start < count; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const _id = new Types.ObjectId();
      const username = usernameOf(i);
      const totpSecret = totp.generateSecret();
      users.push({ id: String(_id), username, password: credentials.password, totpSecret });
      docs.push({
        _id,
        storeId,
        username,
        name: `Bench User ${i + 1}`,
        email: `${username}@bench.example`,
        emailVerified: true,
        role,
        passwordHash: credentials.passwordHash,
        passwordChangedAt: now,
        mfa: { enabled: true, enrolledAt: now, mustEnrol: false },
        // one authenticator app (src/services/mfa/credentials.ts), as factors/totp stores it
        credentials: {
          [newCredentialKey()]: { type: 'totp', name: null, createdAt: now, lastUsedAt: null, data: { secretSealed: credentials.box.encrypt(totpSecret, `totp:${String(_id)}`) } },
        },
      });
    }
    await models.User.insertMany(docs, { ordered: true });
  }
  return users;
}

export const benchUsername = (i: number) => `user${String(i + 1).padStart(5, '0')}`;

/** The bench store and its `count` users: what the driver signs in with. */
export async function seedBench(models: Models, count: number, credentials: Credentials): Promise<BenchUser[]> {
  const storeId = await createStore(models, BENCH_STORE);
  const users = await insertUsers(models, { storeId, count, usernameOf: benchUsername, credentials });
  return users.map(({ username, password, totpSecret }) => ({ username, password, totpSecret }));
}

/** `count` more users spread over other stores (100 per store), for the database-size cost curve. */
export async function seedOtherStores(models: Models, count: number, credentials: Credentials, perStore = 100): Promise<number> {
  const existing = await models.StoreAccount.countDocuments({ prefix: { $ne: BENCH_STORE } });
  let made = 0;
  for (let s = existing; made < count; s++) {
    const storeId = await createStore(models, `load-${String(s).padStart(4, '0')}`);
    const n = Math.min(perStore, count - made);
    await insertUsers(models, { storeId, count: n, usernameOf: (i) => `staff${String(i + 1).padStart(3, '0')}`, credentials });
    made += n;
  }
  return made;
}
