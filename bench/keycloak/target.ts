// Keycloak as a benchmark Target: fetch the dist, run start-dev on loopback, provision realm + users, sign in with password + TOTP.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Target } from '../lib/target.js';
import { createTotpSource } from '../lib/totp.js';
import { createAdminClient } from './admin.js';
import { createKeycloakBrowser } from './browser.js';
import { CACHE_DIR, ensureKeycloakDist } from './dist.js';
import { findJavaHome } from './jdk.js';
import { checkStoredHash, createBenchRealm, importUsers, type PasswordHashCheck } from './provision.js';
import { ARGON2_SPI_ARGS, makeBenchUsers, TOTP } from './realm.js';
import { startKeycloakServer } from './server.js';

export const DEFAULT_KEYCLOAK_VERSION = '26.5.6';

export interface KeycloakTargetOptions {
  users: number;
  log?: (msg: string) => void;
  /** keycloak-quarkus-dist version on Maven Central (default 26.5.6). */
  version?: string;
}

export interface KeycloakTarget extends Target {
  baseUrl: string;
  version: string;
  /** What Keycloak stored for the first user's password, read back through the admin API. */
  passwordHash: PasswordHashCheck;
  /** Last lines of Keycloak's console output (for error reports). */
  logTail(lines?: number): string;
}

export async function startKeycloakTarget(opts: KeycloakTargetOptions): Promise<KeycloakTarget> {
  const log = opts.log ?? ((msg: string) => console.error(msg));
  const version = opts.version ?? DEFAULT_KEYCLOAK_VERSION;
  if (!Number.isInteger(opts.users) || opts.users < 1) throw new Error('keycloak: users must be a positive integer');

  const home = await ensureKeycloakDist(version, log);
  const javaHome = findJavaHome();
  log(`keycloak: ${version} at ${home}, JAVA_HOME=${javaHome}`);

  const admin = { username: 'bench-admin', password: randomBytes(18).toString('base64url') };
  const runDir = join(CACHE_DIR, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`);
  const server = await startKeycloakServer({ home, javaHome, runDir, admin, extraArgs: ARGON2_SPI_ARGS, log });

  try {
    const api = createAdminClient(server.baseUrl, admin.username, admin.password);
    const clientSecret = randomBytes(24).toString('base64url');
    await createBenchRealm(api, clientSecret);
    const users = makeBenchUsers(opts.users);
    log(`keycloak: realm bench created; importing ${users.length} users (argon2id hashing happens in Keycloak)`);
    await importUsers(api, users, log);
    const passwordHash = await checkStoredHash(api, users[0]?.username ?? '');
    log(
      `keycloak: stored hash of ${passwordHash.username}: ${passwordHash.algorithm}${passwordHash.type} v${passwordHash.version} ` +
        `m=${passwordHash.memoryKiB} KiB t=${passwordHash.iterations} p=${passwordHash.parallelism}, OTP credential present`,
    );

    const totp = createTotpSource(TOTP);
    const browser = createKeycloakBrowser({ baseUrl: server.baseUrl, clientSecret, totp });
    return {
      name: `keycloak-${version}`,
      baseUrl: server.baseUrl,
      version,
      users,
      passwordHash,
      signIn: browser.signIn,
      refresh: browser.refresh,
      logTail: server.tail,
      pids: server.javaPids,
      pidGroups: () => ({ jvm: server.javaPids() }),
      totpWaits: totp.waits,
      stop: server.stop,
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
