// Several provider processes on one embedded database behind a round-robin proxy (the soak's deployment), seeded users,
// and a form browser that signs in through the proxy.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { freeLoopbackPort } from '../../src/db/free-port.js';
import { SKEW_SECONDS, TOTP_DIGITS, TOTP_PERIOD } from '../../src/services/totp/index.js';
import { startFakeHibp } from '../../test/helpers/fake-hibp.js';
import { createFormBrowser, type FormBrowser } from '../lib/browser.js';
import { onInterrupt } from '../lib/cleanup.js';
import { type RoundRobin, startRoundRobin } from '../lib/round-robin.js';
import type { BenchUser } from '../lib/target.js';
import { createTotpSource, type TotpSource } from '../lib/totp.js';
import { CLIENT_ID, REDIRECT_URI, writeClientsFile } from './clients.js';
import { generateSecrets } from './secrets.js';
import { BENCH_STORE, benchCredentials, seedBench } from './seed.js';
import { type ProviderProcess, startProvider } from './server.js';

export interface ClusterOptions {
  users: number;
  instances: number;
  /** the checkout the providers run (default this one) */
  root?: string;
  log: (msg: string) => void;
}

export interface Cluster {
  issuer: string;
  users: BenchUser[];
  browser: FormBrowser;
  totp: TotpSource;
  database: EmbeddedDatabase;
  /** the bench's own connection (seeding, preloading); it never sweeps */
  db: Database;
  providers: ProviderProcess[];
  proxy: RoundRobin;
  /** FerretDB's Go memory statistics (tools/ferretdb -debug-listen) */
  ferretdbDebugUrl: string;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { log } = opts;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-soak-'));
  // as root the embedded PostgreSQL runs as an unprivileged user, who must pass through this directory
  await chmod(tmp, 0o711);
  const cleanups: Array<() => Promise<void>> = [() => rm(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => log(`cluster: stop: ${err.message}`));
  };
  const offInterrupt = onInterrupt(stop);
  try {
    const debugPort = await freeLoopbackPort();
    // one database process pair that every provider uses through MONGODB_URI (as `npm run db` runs it)
    const database = await startEmbeddedDatabase({ dataDir: path.join(tmp, 'db'), dbName: 'soak', tuning: 'durable', ferretdbDebugPort: debugPort, log: (m) => log(`db: ${m}`) });
    cleanups.push(() => database.stop());
    const db = await connectDatabase(database.uri, { syncIndexes: () => database.syncIndexes() });
    cleanups.push(() => db.close());
    const secrets = generateSecrets();
    const credentials = await benchCredentials(secrets.TOTP_KEYS);
    const users = await seedBench(db.models, opts.users, credentials);
    log(`cluster: seeded store "${BENCH_STORE}" with ${users.length} users`);

    const hibp = await startFakeHibp({});
    cleanups.push(() => hibp.close());
    const clients = await writeClientsFile(tmp);
    const ports = await Promise.all(Array.from({ length: opts.instances }, () => freeLoopbackPort()));
    const proxyPort = await freeLoopbackPort();
    const issuer = `http://127.0.0.1:${proxyPort}`;
    const providers: ProviderProcess[] = [];
    for (const port of ports) {
      const provider = await startProvider({
        issuer,
        url: `http://127.0.0.1:${port}`,
        root: opts.root,
        log,
        env: {
          NODE_ENV: 'development',
          MONGODB_URI: database.uri,
          PORT: String(port),
          ISSUER: issuer,
          DEMO: 'false',
          SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
          HIBP_BASE_URL: hibp.url,
          SMTP_URL: 'smtp://127.0.0.1:1',
          CLIENTS_FILE: clients.file,
          ...secrets,
        },
      });
      cleanups.push(() => provider.stop());
      providers.push(provider);
      log(`cluster: provider pid ${provider.pid} on port ${port}`);
    }
    const proxy = await startRoundRobin(
      ports.map((p) => `http://127.0.0.1:${p}`),
      proxyPort,
    );
    cleanups.push(() => proxy.close());

    const totp = createTotpSource({ period: TOTP_PERIOD, digits: TOTP_DIGITS, lookAround: Math.round(SKEW_SECONDS / TOTP_PERIOD) });
    const browser = createFormBrowser({
      name: 'soak',
      client: {
        authorizationEndpoint: `${issuer}/auth`,
        tokenEndpoint: `${issuer}/token`,
        clientId: CLIENT_ID,
        clientSecret: clients.clientSecret,
        redirectUri: REDIRECT_URI,
        scope: 'openid',
      },
      fields: {
        store: () => BENCH_STORE,
        username: (u) => u.username,
        password: (u) => u.password,
        code: (u) => totp.nextCode(u.username, u.totpSecret),
      },
    });
    return {
      issuer,
      users,
      browser,
      totp,
      database,
      db,
      providers,
      proxy,
      ferretdbDebugUrl: `http://127.0.0.1:${debugPort}`,
      async stop() {
        offInterrupt();
        await stop();
      },
    };
  } catch (err) {
    offInterrupt();
    await stop();
    throw err;
  }
}
