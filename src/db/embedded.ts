// Starts the embedded FerretDB (SQLite backend) on loopback as a child process and hands back its MongoDB URI.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ensureFerretdbBinary } from './build-ferretdb.js';

export interface EmbeddedMongoOptions {
  /** Directory for the SQLite files; created when missing. One server per directory. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 or undefined picks a free one. */
  port?: number;
  /** Database name put in the returned URI (default 'mfa-idp'). */
  dbName?: string;
  /** Start/stop messages. */
  log?: (msg: string) => void;
  /** FerretDB's own stderr, line by line; chatty (every error reply is a WARN), so route it to debug logging. */
  onStderr?: (line: string) => void;
  /** How long to wait for the server to accept connections (default 30 s). */
  startTimeoutMs?: number;
}

export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

const host = '127.0.0.1';
const stopGraceMs = 5_000;
const stderrKeepChars = 16_000;

export async function startEmbeddedMongo(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const log = opts.log ?? (() => {});
  // Without a logger, a (rare, minute-long) build still reports itself on stderr.
  const binary = await ensureFerretdbBinary({ log: opts.log });
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const dbName = opts.dbName ?? 'mfa-idp';
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  // A picked free port can be taken by someone else before FerretDB binds it: retry with a new one.
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freeLoopbackPort());
    try {
      const server = await launch(binary, dataDir, port, timeoutMs, log, opts.onStderr ?? (() => {}));
      log(`ferretdb: listening on ${host}:${port}, data in ${dataDir}`);
      return { uri: `mongodb://${host}:${port}/${encodeURIComponent(dbName)}`, port, stop: server.stop };
    } catch (err) {
      if (attempt >= attempts || !/already in use/i.test((err as Error).message)) throw err;
    }
  }
}

/** Asks the OS for a currently free TCP port on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function launch(
  binary: string,
  dataDir: string,
  port: number,
  timeoutMs: number,
  log: (msg: string) => void,
  onStderr: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
  // Otherwise the readiness probe below would succeed against whatever already listens there.
  if (await canConnect(port)) throw new Error(`cannot start ferretdb: ${host}:${port} is already in use by another server`);
  // stdin stays an open pipe: when this process dies the pipe closes and FerretDB exits with it.
  const child: ChildProcessWithoutNullStreams = spawn(
    binary,
    ['-listen', `${host}:${port}`, '-data', dataDir, '-exit-on-stdin-close'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-stderrKeepChars);
    for (const line of chunk.split('\n')) if (line.trim()) onStderr(line);
  });
  const stdoutLines = createInterface({ input: child.stdout });

  let stopping = false;
  child.on('error', (err) => log(`ferretdb: ${err.message}`));
  void exitPromise.then(() => {
    if (!stopping) log(`ferretdb: exited unexpectedly (code ${exited?.code}, signal ${exited?.signal})`);
  });

  const stop = async (): Promise<void> => {
    stopping = true;
    child.ref();
    if (exited || child.pid === undefined) return; // already gone, or never spawned
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exitPromise;
    clearTimeout(timer);
    // A grandchild holding our pipes open must not keep this process alive.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
  };

  try {
    await waitUntilReady(child, stdoutLines, port, timeoutMs, exitPromise, () => exited);
  } catch (err) {
    await stop();
    const detail = stderr.trim() ? `\nferretdb stderr:\n${stderr.trim()}` : '';
    throw new Error(`${(err as Error).message}${detail}`);
  }
  // Keep draining stdout so the child never blocks on a full pipe; never keep our event loop alive.
  stdoutLines.on('line', () => {});
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as net.Socket).unref();
  return { stop };
}

async function waitUntilReady(
  child: ChildProcessWithoutNullStreams,
  stdoutLines: ReturnType<typeof createInterface>,
  port: number,
  timeoutMs: number,
  exitPromise: Promise<void>,
  exitInfo: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const timeoutError = () => new Error(`ferretdb did not accept connections on ${host}:${port} within ${timeoutMs} ms`);
  const exitError = () => {
    const info = exitInfo();
    return new Error(`ferretdb exited during start-up (code ${info?.code}, signal ${info?.signal})`);
  };
  let timer: NodeJS.Timeout | undefined;
  const failures = Promise.race([
    new Promise<never>((_, reject) => child.once('error', reject)),
    exitPromise.then(() => {
      throw exitError();
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError()), timeoutMs);
    }),
  ]);
  const ready = (async () => {
    // FerretDB prints its line just before it binds, so a TCP connect is the real readiness signal.
    await new Promise<void>((resolve) => {
      stdoutLines.on('line', (line) => {
        if (line.startsWith('ferretdb listening on')) resolve();
      });
    });
    while (Date.now() < deadline && !exitInfo()) {
      if (await canConnect(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw exitInfo() ? exitError() : timeoutError();
  })();
  try {
    await Promise.race([ready, failures]);
  } finally {
    clearTimeout(timer);
    // The losing branch of the race must not become an unhandled rejection.
    failures.catch(() => {});
    ready.catch(() => {});
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
