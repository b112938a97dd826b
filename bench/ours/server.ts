// Runs our provider as its own process (`node --import tsx src/main.ts`), waits for its discovery document, stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (where src/main.ts, config/ and node_modules/ are). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProviderProcess {
  pid: number;
  issuer: string;
  /** The discovery document. */
  discovery: { authorization_endpoint: string; token_endpoint: string; [k: string]: unknown };
  /** Last lines the provider printed. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

const TAIL_LINES = 200;
const STOP_GRACE_MS = 10_000;

export async function startProvider(opts: {
  env: Record<string, string>;
  issuer: string;
  log: (msg: string) => void;
  startTimeoutMs?: number;
  /** the checkout whose src/main.ts runs (default this one): the soak runs an older commit this way for a before/after */
  root?: string;
  /** where discovery is fetched, when not at the issuer (an instance behind a proxy) */
  url?: string;
}): Promise<ProviderProcess> {
  const { issuer, log } = opts;
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      // LOG_LEVEL=warn: errors are worth seeing at once (JSON lines, pino levels 50 and 60)
      if (/"level":(50|60)/.test(line)) log(`provider: ${line.slice(0, 500)}`);
    }
  };
  const tail = (n = 40) => [...lines, partial].filter(Boolean).slice(-n).join('\n');

  // the pinned Node that runs this bench (npm run / npx), with tsx as a loader in the same process: one pid to measure
  // BENCH_PROFILE_DIR=dir: a V8 CPU profile of the provider, written there when it stops (open it in Chrome DevTools)
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    cwd: opts.root ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const pid = child.pid;
  if (!pid) throw new Error('provider: spawn failed');

  let exited: { code: number | null; signal: string | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const graceful = await Promise.race([exitPromise.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!graceful) {
        log('provider: no exit after SIGTERM, sending SIGKILL');
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    process.off('exit', killOnExit);
  };

  const timeoutMs = opts.startTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const why = `provider: exited (${JSON.stringify(exited)}) before answering; last lines:\n${tail()}`;
      await stop();
      throw new Error(why);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`provider: no discovery document at ${issuer} within ${timeoutMs / 1000} s; last lines:\n${tail()}`);
    }
    try {
      const res = await fetch(`${opts.url ?? issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return { pid, issuer, discovery: (await res.json()) as ProviderProcess['discovery'], tail, stop };
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
}
