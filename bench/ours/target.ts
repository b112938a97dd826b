// Our provider as a benchmark Target: embedded database in this process, seeded users, the provider as its own process.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import { freeLoopbackPort } from '../../src/db/free-port.js';
import { SKEW_SECONDS, TOTP_DIGITS, TOTP_PERIOD } from '../../src/services/totp/index.js';
import { startFakeHibp } from '../../test/helpers/fake-hibp.js';
import { ourForms } from './forms.js';
import { createFormBrowser } from '../lib/browser.js';
import { onInterrupt } from '../lib/cleanup.js';
import { cpuMs } from '../lib/measure.js';
import type { Target } from '../lib/target.js';
import { createTotpSource } from '../lib/totp.js';
import { CLIENT_ID, REDIRECT_URI, writeClientsFile } from './clients.js';
import { readDbCommands } from './metrics.js';
import { type PreloadOptions, type PreloadResult, preload } from './preload.js';
import { generateSecrets } from './secrets.js';
import { BENCH_STORE, benchCredentials, type Credentials, seedBench } from './seed.js';
import type { Models } from '../../src/models/index.js';
import { startProvider } from './server.js';

export interface OurTargetOptions {
  users: number;
  log?: (msg: string) => void;
  /** Where the embedded PostgreSQL cluster lives (kept, with a fresh database per run); default a temporary directory. */
  dataDir?: string;
  /** Stored tokens/sessions and users of other stores to add before the provider starts. */
  preload?: PreloadOptions;
  /** More data to write before the provider starts (and before the database settles), e.g. an audit log. */
  prepare?: (models: Models, credentials: Credentials) => Promise<void>;
}

export interface OurTarget extends Target {
  issuer: string;
  /** The embedded database (mongodb:// URI of FerretDB). */
  databaseUri: string;
  /** Adds stored tokens/sessions and other stores' users while the provider runs (for the cost curve). */
  preload(opts: PreloadOptions): Promise<PreloadResult>;
  /** Documents in oidc_payloads and users in the database now. */
  sizes(): Promise<{ payloads: number; users: number }>;
  /**
   * What the provider's expiry sweep (src/db/connect.ts, every 60 s) costs on oidc_payloads now: the same filter,
   * counted instead of deleted (so the provider's state is left alone); wall time and database CPU.
   */
  expiryScan(): Promise<{ ms: number; dbCpuMs: number }>;
  /** Database commands per second while nobody signs in (mail worker polling and the like), measured over `ms`. */
  idleCommandRate(ms?: number): Promise<number | undefined>;
  logTail(lines?: number): string;
}

export async function startOurTarget(opts: OurTargetOptions): Promise<OurTarget> {
  const log = opts.log ?? ((msg: string) => console.error(msg));
  if (!Number.isInteger(opts.users) || opts.users < 1) throw new Error('ours: users must be a positive integer');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-bench-'));
  // as root the embedded PostgreSQL runs as an unprivileged user, who must pass through (not list) this directory
  await chmod(tmp, 0o711);
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : path.join(tmp, 'db');
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const cleanups: Array<() => Promise<void>> = [async () => rm(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => log(`ours: stop: ${err.message}`));
  };
  const offInterrupt = onInterrupt(stop);

  try {
    const t0 = Date.now();
    // a bench measures the real thing: the durable (fsync) settings a developer's database has
    const database = await startEmbeddedDatabase({ dataDir, dbName, tuning: 'durable', log: (m) => log(`ours: ${m}`) });
    // FerretDB exits with this process (its stdin closes), PostgreSQL does not: if this process dies without stop(),
    // an immediate shutdown (SIGQUIT) keeps a run from leaving a server (and its temporary files) behind
    const killPostgres = () => {
      const pid = database.postgres.pid();
      try {
        if (pid) process.kill(pid, 'SIGQUIT');
        // an exit handler cannot await: block up to 3 s for the server to go before its files are removed
        const pause = new Int32Array(new SharedArrayBuffer(4));
        for (let i = 0; pid && i < 60 && existsSync(`/proc/${pid}`); i++) Atomics.wait(pause, 0, 0, 50);
        rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // already gone, or files left in the temporary directory
      }
    };
    process.on('exit', killPostgres);
    cleanups.push(async () => {
      await database.stop();
      process.off('exit', killPostgres);
    });
    let db: Database | undefined = await connectDatabase(database.uri, { syncIndexes: () => database.syncIndexes() });
    const models = db.models;
    cleanups.push(async () => {
      if (opts.dataDir) await db?.conn.dropDatabase();
      await db?.close();
      db = undefined;
    });
    log(`ours: embedded database up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dataDir}, database ${dbName})`);

    const settle = async () => {
      // after bulk inserts, the state autovacuum reaches in a running deployment (visibility map, planner statistics),
      // so its catch-up work does not land in a measured phase
      const client = new pg.Client(database.postgres.clientConfig());
      await client.connect();
      try {
        await client.query('VACUUM (ANALYZE)');
      } finally {
        await client.end();
      }
    };

    const secrets = generateSecrets();
    const t1 = Date.now();
    const credentials = await benchCredentials(secrets.TOTP_KEYS);
    const users = await seedBench(models, opts.users, credentials);
    log(`ours: seeded store "${BENCH_STORE}" with ${users.length} users (password + TOTP) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    const doPreload = async (p: PreloadOptions) => {
      const result = await preload(models, p, credentials);
      await settle();
      return result;
    };
    await opts.prepare?.(models, credentials);
    if (opts.preload) await doPreload(opts.preload);
    else await settle();

    const hibp = await startFakeHibp({});
    cleanups.push(() => hibp.close());
    const clients = await writeClientsFile(tmp);
    const port = await freeLoopbackPort();
    const metricsPort = await freeLoopbackPort();
    const issuer = `http://127.0.0.1:${port}`;
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const t2 = Date.now();
    const provider = await startProvider({
      issuer,
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
        // nothing listens there: the mail worker retries in the background (a sign-in sends no mail)
        SMTP_URL: 'smtp://127.0.0.1:1',
        CLIENTS_FILE: clients.file,
        METRICS_PORT: String(metricsPort),
        ...secrets,
      },
    });
    cleanups.push(() => provider.stop());
    log(`ours: provider pid ${provider.pid} answering on ${issuer} after ${((Date.now() - t2) / 1000).toFixed(1)} s`);

    const totp = createTotpSource({ period: TOTP_PERIOD, digits: TOTP_DIGITS, lookAround: Math.round(SKEW_SECONDS / TOTP_PERIOD) });
    const browser = createFormBrowser({
      name: 'ours',
      client: {
        authorizationEndpoint: provider.discovery.authorization_endpoint,
        tokenEndpoint: provider.discovery.token_endpoint,
        clientId: CLIENT_ID,
        clientSecret: clients.clientSecret,
        redirectUri: REDIRECT_URI,
        // a refresh token comes with the refresh_token grant the client is allowed (issueRefreshToken), no offline_access needed
        scope: 'openid',
      },
      ...ourForms(totp),
    });

    const dbCommands = () => readDbCommands(metricsUrl);
    return {
      name: 'ours',
      issuer,
      databaseUri: database.uri,
      users,
      signIn: browser.signIn,
      refresh: browser.refresh,
      pids: () => [provider.pid, ...database.pids()],
      // the issue 22 split: FerretDB and PostgreSQL (with its backends) apart
      pidGroups: () => {
        const postgres = database.postgres.pid();
        return { node: [provider.pid], ferretdb: database.pids().filter((p) => p !== postgres), postgres: postgres ? [postgres] : [] };
      },
      dbCommands,
      totpWaits: totp.waits,
      preload: doPreload,
      async sizes() {
        return { payloads: await models.OidcPayload.countDocuments({}), users: await models.User.countDocuments({}) };
      },
      async expiryScan() {
        const before = cpuMs(database.pids());
        const t = performance.now();
        await models.OidcPayload.countDocuments({ expiresAt: { $lte: new Date() } });
        return { ms: performance.now() - t, dbCpuMs: cpuMs(database.pids()) - before };
      },
      async idleCommandRate(ms = 5_000) {
        const before = await dbCommands();
        await new Promise((r) => setTimeout(r, ms));
        const after = await dbCommands();
        return before === undefined || after === undefined ? undefined : ((after - before) * 1000) / ms;
      },
      logTail: provider.tail,
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
