// Creates the bench realm through the admin REST API, imports the users in batches, and reads back a stored password hash.
import type { BenchUser } from '../lib/target.js';
import type { AdminClient } from './admin.js';
import { ARGON2, REALM, realmRepresentation, userRepresentation } from './realm.js';

const BATCH = 100;
const PARALLEL_BATCHES = 2;

export interface PasswordHashCheck {
  username: string;
  algorithm: string;
  type: string;
  version: string;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
  otpCredential: boolean;
}

interface CredentialRep {
  type: string;
  credentialData?: string;
}

interface PasswordCredentialData {
  hashIterations: number;
  algorithm: string;
  additionalParameters?: Record<string, string[]>;
}

export async function createBenchRealm(admin: AdminClient, clientSecret: string): Promise<void> {
  await admin.request('POST', '/admin/realms', realmRepresentation(clientSecret));
}

/** Imports users with partialImport, a few batches at a time; Keycloak hashes each password with argon2id on the way in. */
export async function importUsers(admin: AdminClient, users: BenchUser[], log: (msg: string) => void): Promise<void> {
  const batches: Array<Record<string, unknown>[]> = [];
  for (let i = 0; i < users.length; i += BATCH) {
    batches.push(users.slice(i, i + BATCH).map((u, j) => userRepresentation(u, i + j)));
  }
  const started = Date.now();
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as Record<string, unknown>[];
      const res = await admin.request<{ added?: number }>('POST', `/admin/realms/${REALM}/partialImport`, {
        ifResourceExists: 'FAIL',
        users: batch,
      });
      if (res.added !== batch.length) throw new Error(`keycloak: partialImport added ${res.added} of ${batch.length} users`);
      done += batch.length;
      log(`keycloak: imported ${done}/${users.length} users (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
}

/** Reads a user's credentials back and checks the password hash really is argon2id m=19456 KiB, t=2, p=1. */
export async function checkStoredHash(admin: AdminClient, username: string): Promise<PasswordHashCheck> {
  const found = await admin.request<Array<{ id: string }>>('GET', `/admin/realms/${REALM}/users?exact=true&username=${encodeURIComponent(username)}`);
  const id = found[0]?.id;
  if (!id) throw new Error(`keycloak: user ${username} not found after import`);
  const creds = await admin.request<CredentialRep[]>('GET', `/admin/realms/${REALM}/users/${id}/credentials`);
  const password = creds.find((c) => c.type === 'password');
  if (!password?.credentialData) throw new Error(`keycloak: ${username} has no password credential`);
  const data = JSON.parse(password.credentialData) as PasswordCredentialData;
  const p = data.additionalParameters ?? {};
  const first = (k: string) => p[k]?.[0] ?? '';
  const check: PasswordHashCheck = {
    username,
    algorithm: data.algorithm,
    type: first('type'),
    version: first('version'),
    memoryKiB: Number(first('memory')),
    iterations: data.hashIterations,
    parallelism: Number(first('parallelism')),
    hashLength: Number(first('hashLength')),
    otpCredential: creds.some((c) => c.type === 'otp'),
  };
  const ok =
    check.algorithm === 'argon2' &&
    check.type === ARGON2.type &&
    check.memoryKiB === ARGON2.memoryKiB &&
    check.iterations === ARGON2.iterations &&
    check.parallelism === ARGON2.parallelism &&
    check.otpCredential;
  if (!ok) throw new Error(`keycloak: stored credentials are not as configured: ${JSON.stringify(check)}`);
  return check;
}
