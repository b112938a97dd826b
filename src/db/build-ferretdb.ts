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

// A cold build (module download + compile) takes minutes on a busy machine; an older lock is from a dead builder.
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

async function hasGo(): Promise<boolean> {
  return findGo().then(
    () => true,
    () => false,
  );
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

// FerretDB's SQLite backend (modernc.org/sqlite, a C library translated to Go) is most of a cold compile; we use
// only its PostgreSQL backend.
const buildTags = 'ferretdb_no_sqlite';

async function build(log: Log): Promise<void> {
  const go = await findGo();
  const tmp = `${binaryPath}.tmp-${process.pid}`;
  const target = path.relative(projectRoot, binaryPath);
  log(`ferretdb: building ${target} with ${go}, once (a cold Go cache downloads ~50 modules, compiles ~530 packages)`);
  const started = Date.now();
  const progress = new Progress(log, started);
  // FerretDB and its drivers are pure Go, so no C compiler is needed; this also makes the binary static.
  const env = { ...process.env, CGO_ENABLED: '0' };
  try {
    // listing the packages fetches the modules that hold them (go prints "go: downloading <module>" for each)
    let fetched = 0;
    progress.phase('downloading Go modules');
    const packages = await runGo(go, ['list', '-tags', buildTags, '-deps', '.'], env, (line) => {
      if (line.startsWith('go: downloading ')) progress.update(++fetched);
    });
    let compiled = 0;
    progress.phase('compiling Go packages', packages.length);
    const args = ['build', '-v', '-trimpath', '-buildvcs=false', '-tags', buildTags, '-o', tmp, '.'];
    await runGo(go, args, env, (line) => {
      if (isPackagePath(line)) progress.update(++compiled);
    });
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    progress.stop();
  }
  // Rename is atomic, so a concurrent reader never sees a half-written binary.
  await rename(tmp, binaryPath);
  log(`ferretdb: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

// `go build -v` names each package as it compiles it, one import path per line
const isPackagePath = (line: string) => /^[\w.-]+(\/[\w.~-]+)*$/.test(line);

/** Runs go with `args` in the launcher's folder; resolves with stdout's lines, hands stderr's to `onLine`. */
async function runGo(go: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, args, { cwd: sourceDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stderr.push(line);
        onLine?.(line);
      }
    });
    child.once('error', reject);
    child.once('close', (exit) => {
      if (partial) stderr.push(partial);
      resolve(exit);
    });
  });
  if (code !== 0) {
    const said = stderr.filter((line) => !line.startsWith('go: downloading ') && !isPackagePath(line));
    throw new Error(`ferretdb: \`go ${args[0]}\` in ${sourceDir} failed (exit ${code}):\n${said.join('\n').trim()}`);
  }
  return stdout.join('').split('\n').filter(Boolean);
}

/** What the build is doing, as a line redrawn in place on a terminal, else a line every 10 s (npm ci's log, CI). */
class Progress {
  private label = '';
  private total: number | undefined;
  private count = 0;
  private lastLine = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: Log,
    private readonly started: number,
  ) {
    this.timer = setInterval(() => this.show(), this.tty ? 1000 : 10_000);
    this.timer.unref();
  }

  phase(label: string, total?: number) {
    // the finished phase's last count stays on the screen, or in the log
    if (this.label && this.tty) process.stderr.write('\n');
    else if (this.label) this.show(true);
    this.label = label;
    this.total = total;
    this.count = 0;
    this.show(true);
  }

  update(count: number) {
    this.count = count;
    if (this.tty) this.show();
  }

  stop() {
    clearInterval(this.timer);
    if (this.tty && this.label) process.stderr.write('\n');
  }

  private show(force = false) {
    const now = Date.now();
    if (!this.tty && !force && now - this.lastLine < 10_000) return;
    this.lastLine = now;
    const counted = this.total === undefined ? `${this.count}` : `${Math.min(this.count, this.total)}/${this.total}`;
    const line = `ferretdb: ${this.label} ${counted}, ${Math.round((now - this.started) / 1000)} s`;
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else this.log(line);
  }
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

// `npm run build:ferretdb` builds or fails; `--postinstall` (npm ci and npm install run it) builds when it can, so the
// first `npm start` need not, and otherwise says why it did not and leaves the install working.
if (await isMainModule()) {
  const postinstall = process.argv.includes('--postinstall');
  try {
    if (postinstall && process.env.MONGODB_URI) {
      console.error('ferretdb: MONGODB_URI is set, so the embedded FerretDB is not built (npm start builds it if needed).');
    } else if (postinstall && !(await hasGo())) {
      console.error(
        'ferretdb: Go is not installed, so the embedded FerretDB is not built now. ' +
          'Install Go >= 1.24 and run `npm run build:ferretdb`, or set MONGODB_URI.',
      );
    } else {
      console.log(await ensureFerretdbBinary());
    }
  } catch (err) {
    console.error((err as Error).message);
    if (postinstall) console.error('ferretdb: the install goes on; `npm start` tries the build again.');
    else process.exitCode = 1;
  }
}
