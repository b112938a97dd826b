// The load driver: N sign-ins or refreshes at concurrency C against a Target, with latency, CPU, RSS and DB commands per operation.
import { performance } from 'node:perf_hooks';
import { loadAverages, pssMiB, rssMiB, sampleCpu, type Summary, summarize } from './measure.js';
import type { BenchUser, Target } from './target.js';

export type OperationKind = 'sign-in' | 'refresh';

/**
 * Users in least-recently-used order: a user is never in two sign-ins at once, and the longest-idle one goes next,
 * so with U users a user comes back only after U - C other sign-ins (TOTP codes are single-use per 30 s step).
 */
export class UserPool {
  private readonly idle: BenchUser[];
  constructor(users: BenchUser[]) {
    this.idle = [...users];
  }
  get size(): number {
    return this.idle.length;
  }
  take(): BenchUser {
    const user = this.idle.shift();
    if (!user) throw new Error('load: more concurrent sign-ins than users');
    return user;
  }
  give(user: BenchUser): void {
    this.idle.push(user);
  }
}

/** What a target keeps between phases: its user rotation and the refresh tokens its sign-ins produced. */
export interface LoadState {
  target: Target;
  users: UserPool;
  tokens: string[];
}

export function loadState(target: Target): LoadState {
  return { target, users: new UserPool(target.users), tokens: [] };
}

export interface PhaseResult {
  target: string;
  kind: OperationKind;
  concurrency: number;
  ops: number;
  ok: number;
  failures: number;
  /** the first few distinct failure messages */
  errors: string[];
  seconds: number;
  perSecond: number;
  /** latency of the successful operations, ms (and the raw samples, for combining phases) */
  latency: Summary;
  latencies: number[];
  /** server CPU ms over the phase and per successful operation, by process group, plus `total` */
  cpuMs: Record<string, number>;
  cpuMsPerOp: Record<string, number>;
  /** CPU ms of this driver process (HTTP client, HTML parsing) over the phase and per successful operation: it shares the machine */
  driverCpuMs: number;
  driverCpuMsPerOp: number;
  /** database commands over the phase and per operation (undefined when the target does not count them) */
  dbCommands: number | undefined;
  dbCommandsPerOp: number | undefined;
  /** RSS (VmRSS sums) and PSS after the phase, MiB, by process group, plus `total` */
  rssMiB: Record<string, number>;
  pssMiB: Record<string, number>;
  loadBefore: [number, number, number];
  loadAfter: [number, number, number];
  totpWaits: { count: number; ms: number };
}

const KEEP_TOKENS = 2_000;
const MAX_ERRORS = 3;

const groupsOf = (t: Target) => t.pidGroups?.() ?? { server: t.pids() };
const withTotal = (r: Record<string, number>) => ({ ...r, total: Object.values(r).reduce((s, x) => s + x, 0) });

/** Runs `ops` operations with `concurrency` workers; numbers are measured around exactly these operations. */
export async function runPhase(state: LoadState, kind: OperationKind, ops: number, concurrency: number): Promise<PhaseResult> {
  const { target } = state;
  if (kind === 'sign-in' && concurrency > state.users.size) throw new Error(`load: ${concurrency} concurrent sign-ins need at least as many users (have ${state.users.size})`);
  if (kind === 'refresh') await topUpTokens(state, concurrency);

  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let failures = 0;
  let started = 0;

  const fail = (err: unknown) => {
    failures++;
    const msg = (err as Error).message ?? String(err);
    if (errors.size < MAX_ERRORS || errors.has(msg)) errors.set(msg, (errors.get(msg) ?? 0) + 1);
  };

  const signInOnce = async () => {
    const user = state.users.take();
    const t = performance.now();
    try {
      const { refreshToken } = await target.signIn(user);
      latencies.push(performance.now() - t);
      state.tokens.push(refreshToken);
      if (state.tokens.length > KEEP_TOKENS) state.tokens.shift();
    } catch (err) {
      fail(err);
    } finally {
      state.users.give(user);
    }
  };

  const refreshOnce = async (): Promise<boolean> => {
    const token = state.tokens.shift();
    if (!token) return false;
    const t = performance.now();
    try {
      const next = await target.refresh(token);
      latencies.push(performance.now() - t);
      state.tokens.push(next);
    } catch (err) {
      fail(err); // the token may be spent: it is dropped
    }
    return true;
  };

  const groups = groupsOf(target);
  const waitsBefore = target.totpWaits?.() ?? { count: 0, ms: 0 };
  const dbBefore = await target.dbCommands?.();
  const loadBefore = loadAverages();
  const cpuBefore = sampleCpu(groups);
  const driverBefore = process.cpuUsage();
  const t0 = performance.now();

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < ops) {
        started++;
        if (kind === 'sign-in') await signInOnce();
        else if (!(await refreshOnce())) {
          fail(new Error('load: no refresh token left'));
        }
      }
    }),
  );

  const seconds = (performance.now() - t0) / 1000;
  const driver = process.cpuUsage(driverBefore);
  const cpuAfter = sampleCpu(groups);
  const loadAfter = loadAverages();
  const dbAfter = await target.dbCommands?.();
  const waitsAfter = target.totpWaits?.() ?? { count: 0, ms: 0 };
  const cpu = withTotal(Object.fromEntries(Object.keys(cpuAfter).map((g) => [g, (cpuAfter[g] ?? 0) - (cpuBefore[g] ?? 0)])));
  return finish({
    target: target.name,
    kind,
    concurrency,
    ops,
    failures,
    errors: [...errors].map(([msg, n]) => (n > 1 ? `${msg} (x${n})` : msg)),
    seconds,
    latencies,
    cpuMs: cpu,
    driverCpuMs: (driver.user + driver.system) / 1000,
    dbCommands: dbBefore === undefined || dbAfter === undefined ? undefined : dbAfter - dbBefore,
    rssMiB: withTotal(rssMiB(groups)),
    pssMiB: withTotal(pssMiB(groups)),
    loadBefore,
    loadAfter,
    totpWaits: { count: waitsAfter.count - waitsBefore.count, ms: waitsAfter.ms - waitsBefore.ms },
  });
}

type Raw = Omit<PhaseResult, 'ok' | 'perSecond' | 'latency' | 'cpuMsPerOp' | 'driverCpuMsPerOp' | 'dbCommandsPerOp'>;

function finish(raw: Raw): PhaseResult {
  const ok = raw.latencies.length;
  const perOp = (x: number) => (ok > 0 ? x / ok : Number.NaN);
  return {
    ...raw,
    ok,
    perSecond: ok / raw.seconds,
    latency: summarize(raw.latencies),
    cpuMsPerOp: Object.fromEntries(Object.entries(raw.cpuMs).map(([g, ms]) => [g, perOp(ms)])),
    driverCpuMsPerOp: perOp(raw.driverCpuMs),
    dbCommandsPerOp: raw.dbCommands === undefined ? undefined : perOp(raw.dbCommands),
  };
}

/** Several phases of one target, kind and concurrency as one (e.g. the rounds of a comparison): sums, pooled latencies. */
export function combine(phases: PhaseResult[]): PhaseResult {
  const [first, ...rest] = phases;
  if (!first) throw new Error('combine: no phases');
  const sum = (f: (p: PhaseResult) => number) => phases.reduce((s, p) => s + f(p), 0);
  const cpuMs: Record<string, number> = {};
  for (const p of phases) for (const [g, ms] of Object.entries(p.cpuMs)) cpuMs[g] = (cpuMs[g] ?? 0) + ms;
  const last = rest.at(-1) ?? first;
  return finish({
    ...first,
    ops: sum((p) => p.ops),
    failures: sum((p) => p.failures),
    errors: [...new Set(phases.flatMap((p) => p.errors))].slice(0, MAX_ERRORS),
    seconds: sum((p) => p.seconds),
    latencies: phases.flatMap((p) => p.latencies),
    cpuMs,
    driverCpuMs: sum((p) => p.driverCpuMs),
    dbCommands: phases.some((p) => p.dbCommands === undefined) ? undefined : sum((p) => p.dbCommands ?? 0),
    rssMiB: last.rssMiB,
    pssMiB: last.pssMiB,
    loadAfter: last.loadAfter,
    totpWaits: { count: sum((p) => p.totpWaits.count), ms: sum((p) => p.totpWaits.ms) },
  });
}

/** Unmeasured sign-ins until there are enough refresh tokens for `concurrency` refresh chains. */
async function topUpTokens(state: LoadState, concurrency: number): Promise<void> {
  for (let tries = 0; state.tokens.length < concurrency && tries < concurrency * 3; tries++) {
    const user = state.users.take();
    try {
      state.tokens.push((await state.target.signIn(user)).refreshToken);
    } catch {
      // counted nowhere: the refresh phase reports what it could do
    } finally {
      state.users.give(user);
    }
  }
}

export type OpCounts = Record<number, number>;

/** Sign-ins, then refreshes, at each concurrency (e.g. 1, 4, 16) with the given operation counts. */
export async function runSuite(
  state: LoadState,
  opts: { concurrency: number[]; signIns: OpCounts; refreshes: OpCounts; log?: (msg: string) => void },
): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  for (const [kind, counts] of [
    ['sign-in', opts.signIns],
    ['refresh', opts.refreshes],
  ] as const) {
    for (const c of opts.concurrency) {
      const ops = counts[c] ?? 0;
      if (ops <= 0) continue;
      opts.log?.(`${state.target.name} ${kind}: ${ops} at concurrency ${c}`);
      out.push(await runPhase(state, kind, ops, c));
    }
  }
  return out;
}
