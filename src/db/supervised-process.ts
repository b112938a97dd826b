// A child server process kept alive: started, probed until ready, restarted with a log line when it dies, stopped on demand.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SupervisedOptions {
  /** Name used in log lines ("postgres", "ferretdb"). */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Keep stdin an open pipe: a child that exits when it closes dies with this process. */
  pipeStdin?: boolean;
  /** Resolves once the service answers; called repeatedly until it does or the start times out. */
  probe(): Promise<boolean>;
  startTimeoutMs?: number;
  /** Signal for a graceful stop (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  log: (msg: string) => void;
  /** The child's own output, line by line. */
  onOutput?: (line: string) => void;
}

export interface Supervised {
  pid(): number | undefined;
  stop(): Promise<void>;
}

const outputKeepChars = 8_000;
const stopGraceMs = 10_000;
const maxRestartDelayMs = 30_000;

export async function startSupervised(opts: SupervisedOptions): Promise<Supervised> {
  let stopping = false;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let restartDelayMs = 1_000;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = async (): Promise<void> => {
    const started = runOnce(opts, () => {
      if (stopping) return;
      opts.log(`${opts.name}: exited unexpectedly; restarting in ${restartDelayMs / 1000} s`);
      scheduleRestart();
    });
    child = started.child;
    exited = started.exited;
    await started.ready;
  };

  const scheduleRestart = () => {
    restartTimer = setTimeout(() => {
      launch().then(
        () => {
          opts.log(`${opts.name}: running again (pid ${child?.pid})`);
          restartDelayMs = 1_000;
        },
        (err: Error) => {
          if (stopping) return;
          restartDelayMs = Math.min(restartDelayMs * 2, maxRestartDelayMs);
          opts.log(`${opts.name}: restart failed (${err.message.split('\n')[0]}); next try in ${restartDelayMs / 1000} s`);
          scheduleRestart();
        },
      );
    }, restartDelayMs);
    restartTimer.unref();
  };

  await launch();
  return {
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      current.kill(opts.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Spawns the child once: `ready` settles when the probe succeeds (or the start fails), `exited` when it ends.
function runOnce(opts: SupervisedOptions, onUnexpectedExit: () => void) {
  const child = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    stdio: [opts.pipeStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let gone = false;
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-outputKeepChars);
    for (const line of text.split('\n')) if (line.trim()) opts.onOutput?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
    child.once('error', (err) => {
      output += `\n${err.message}`;
      gone = true;
      resolve();
    });
  });

  const ready = (async () => {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    while (!gone && Date.now() < deadline) {
      if (await opts.probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!gone) child.kill('SIGKILL');
    const why = gone ? `exited during start-up (code ${child.exitCode}, signal ${child.signalCode})` : 'did not become ready in time';
    throw new Error(`${opts.name} ${why}${output.trim() ? `\n${opts.name} output:\n${output.trim()}` : ''}`);
  })();

  void ready.then(
    () => {
      // from here on an exit is a crash (or a stop, which the supervisor knows about)
      void exited.then(onUnexpectedExit);
      // never keep this process's event loop alive for the child's sake
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    },
    () => undefined,
  );
  return { child, exited, ready };
}
