// Runs `kc.sh start-dev` on 127.0.0.1 with a run-private H2 store: start, wait until it answers, find the JVM pid, stop.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface KeycloakServerOptions {
  home: string;
  javaHome: string;
  /** Directory owned by this run; the H2 database lives in <runDir>/data/h2 and the whole folder is removed on stop. */
  runDir: string;
  admin: { username: string; password: string };
  /** Build/runtime options added to the command line (e.g. SPI settings). */
  extraArgs: string[];
  log: (msg: string) => void;
  startTimeoutMs?: number;
}

export interface KeycloakServer {
  baseUrl: string;
  port: number;
  /** The java process(es) behind kc.sh. */
  javaPids(): number[];
  /** Last lines Keycloak printed. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

const TAIL_LINES = 200;
const STOP_GRACE_MS = 20_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // process gone
  }
  return out;
}

/** java processes among `root` and its descendants (kc.sh runs java as a child, or execs it after a re-augmentation). */
function javaIn(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (comm(pid) === 'java') found.push(pid);
    queue.push(...children(pid));
  }
  return found;
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(safeRead(`/proc/${pid}/status`));
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export async function startKeycloakServer(opts: KeycloakServerOptions): Promise<KeycloakServer> {
  const { home, javaHome, runDir, admin, extraArgs, log } = opts;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  await mkdir(runDir, { recursive: true });

  const args = [
    'start-dev',
    // Keycloak's dev-file URL is ${kc.db-url-path:${kc.home.dir}}/${kc.data.dir:data}/h2/keycloakdb with its stock
    // H2 properties; pointing db-url-path at the run dir keeps the default store but makes it private to this run.
    `-Dkc.db-url-path=${runDir}`,
    '--http-host=127.0.0.1',
    `--http-port=${port}`,
    '--cache=local',
    '--health-enabled=false',
    '--metrics-enabled=false',
    '--tracing-enabled=false',
    '--log-console-color=false',
    ...extraArgs,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JAVA_HOME: javaHome,
    KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
    KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
  };
  delete env.JAVA;
  delete env.JAVA_OPTS;

  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  const tail = (n = 40) => [...lines, partial].filter(Boolean).slice(-n).join('\n');

  log(`keycloak: starting ${join(home, 'bin', 'kc.sh')} start-dev on ${baseUrl}`);
  const child: ChildProcess = spawn(join(home, 'bin', 'kc.sh'), args, {
    cwd: runDir,
    env,
    detached: true, // own process group: stop() signals kc.sh and java together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const rootPid = child.pid;
  if (!rootPid) throw new Error('keycloak: spawn of kc.sh failed');

  let exited: { code: number | null; signal: string | null } | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  child.once('error', (err) => {
    lines.push(`spawn error: ${err.message}`);
    exited ??= { code: null, signal: null };
  });
  // If this node process dies without stop(), do not leave a JVM behind.
  const killOnExit = () => {
    try {
      process.kill(-rootPid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  // kc.sh runs in its own process group, so a Ctrl-C of the driver does not reach it: pass the signal on.
  const onSignal = (signal: NodeJS.Signals) => {
    killOnExit();
    if (process.listenerCount(signal) === 1) {
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let knownJava: number[] = [];
  const javaPids = () => {
    if (knownJava.length > 0 && knownJava.every(alive)) return knownJava;
    knownJava = javaIn(rootPid);
    return knownJava;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const jvms = javaPids();
    if (!exited) {
      try {
        process.kill(-rootPid, 'SIGTERM');
      } catch {
        // already gone
      }
      const graceful = await Promise.race([exitPromise.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!graceful) {
        log('keycloak: no exit after SIGTERM, sending SIGKILL');
        killOnExit();
        await exitPromise;
      }
    }
    // kc.sh waits for java, but make sure no JVM of ours survives the shell.
    for (let i = 0; i < 50 && jvms.some(alive); i++) await sleep(100);
    for (const pid of jvms.filter(alive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    process.off('exit', killOnExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(runDir, { recursive: true, force: true });
  };

  // Ready when the master realm's discovery document answers.
  const deadline = Date.now() + (opts.startTimeoutMs ?? 240_000);
  const started = Date.now();
  for (;;) {
    if (exited) {
      const why = `keycloak: kc.sh exited (${JSON.stringify(exited)}) before answering; last lines:\n${tail()}`;
      await stop();
      throw new Error(why);
    }
    if (Date.now() > deadline) {
      const why = `keycloak: no answer on ${baseUrl} within ${Math.round((opts.startTimeoutMs ?? 240_000) / 1000)} s; last lines:\n${tail()}`;
      await stop();
      throw new Error(why);
    }
    try {
      const res = await fetch(`${baseUrl}/realms/master/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  log(`keycloak: answering after ${((Date.now() - started) / 1000).toFixed(1)} s, java pid(s) ${javaPids().join(',')}`);
  return { baseUrl, port, javaPids, tail, stop };
}
