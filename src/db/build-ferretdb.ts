// Builds the embedded FerretDB launcher (tools/ferretdb) into .cache/ferretdb/ferretdb when it is missing or stale.
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT as projectRoot } from '../root.js';

// development only (the build has neither tools/ nor .cache/: production runs on MONGODB_URI)
const sourceDir = path.join(projectRoot, 'tools', 'ferretdb');
const cacheDir = path.join(projectRoot, '.cache', 'ferretdb');
const binaryPath = path.join(cacheDir, 'ferretdb');
const lockPath = path.join(cacheDir, 'build.lock');
const sourceFiles = ['main.go', 'go.mod', 'go.sum'].map((f) => path.join(sourceDir, f));

// A cold build (module download + compile) takes about a minute; a lock older than this is from a dead builder.
const staleLockMs = 15 * 60_000;
const lockPollMs = 500;

type Log = (msg: string) => void;

export async function ensureFerretdbBinary(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  if (await isFresh()) return binaryPath;
  await mkdir(cacheDir, { recursive: true });
  const release = await acquireLock(log);
  try {
    // Another process may have finished the build while we waited for the lock.
    if (await isFresh()) return binaryPath;
    await build(log);
    return binaryPath;
  } finally {
    await release();
  }
}

async function mtimeMs(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function isFresh(): Promise<boolean> {
  const built = await mtimeMs(binaryPath);
  if (built === undefined) return false;
  for (const file of sourceFiles) {
    const source = await mtimeMs(file);
    if (source !== undefined && source > built) return false;
  }
  return true;
}

async function findGo(): Promise<string> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // The official tarball installs here; non-login shells often lack it on PATH.
  dirs.push('/usr/local/go/bin');
  for (const dir of dirs) {
    const candidate = path.join(dir, 'go');
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'Cannot build the embedded FerretDB database: the Go toolchain (`go`) is not on PATH.\n' +
      'Do one of these:\n' +
      '  - install Go >= 1.24 (https://go.dev/dl/) and run `npm run build:ferretdb`, or\n' +
      '  - set MONGODB_URI to a MongoDB server (e.g. mongodb://127.0.0.1:27017/mfa-idp), or\n' +
      '  - run the whole stack with `docker compose up`.',
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// An O_EXCL lock file holding the builder's pid; removed when that process is gone or the lock is very old.
async function acquireLock(log: Log): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await lockIsStale()) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log('ferretdb: another process is building the binary, waiting for it ...');
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, lockPollMs));
  }
}

async function lockIsStale(): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number.parseInt(content, 10);
    if (Date.now() - info.mtimeMs > staleLockMs) return true;
    // An empty file is a lock being written right now; only a recorded, dead pid is stale.
    return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // released meanwhile: retry
    throw err;
  }
}

async function build(log: Log): Promise<void> {
  const go = await findGo();
  const tmp = `${binaryPath}.tmp-${process.pid}`;
  log(`ferretdb: building ${path.relative(projectRoot, binaryPath)} with ${go} (about a minute on a cold cache) ...`);
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], {
      cwd: sourceDir,
      // FerretDB and its drivers are pure Go, so no C compiler is needed; this also makes the binary static.
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`ferretdb: \`go build\` in ${sourceDir} failed (exit ${code}):\n${output.join('').trim()}`);
  }
  // Rename is atomic, so a concurrent reader never sees a half-written binary.
  await rename(tmp, binaryPath);
  log(`ferretdb: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function isMainModule(): Promise<boolean> {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return (await realpath(script)) === (await realpath(fileURLToPath(import.meta.url)));
  } catch {
    return false;
  }
}

if (await isMainModule()) {
  try {
    console.log(await ensureFerretdbBinary());
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
