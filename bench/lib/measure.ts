// Process-tree CPU, RSS and PSS from /proc, load averages, and latency percentiles.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticks: number | undefined;

/** Clock ticks per second for /proc/<pid>/stat times (`getconf CLK_TCK`, normally 100). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks */
  cpu: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the command name (field 2) may contain spaces and parentheses: fields after the last ")" are fixed
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, utime..cstime are fields 14..17
  const field = (n: number) => Number(rest[n - 3] ?? 0);
  return { ppid: field(4), cpu: field(14) + field(15) + field(16) + field(17) };
}

/** `roots` and every live descendant of them (from the ppid of each /proc/<pid>/stat). */
export function processTree(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const seen = new Set<number>();
  const queue = roots.filter((p) => Number.isInteger(p) && p > 0);
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/**
 * CPU milliseconds (user + system) of the process trees under `roots`. Each live process counts its own time plus
 * that of its children that ended and were reaped (cutime/cstime), so short-lived workers (PostgreSQL backends) count.
 */
export function cpuMs(roots: number[]): number {
  let total = 0;
  for (const pid of processTree(roots)) total += readStat(pid)?.cpu ?? 0;
  return (total * 1000) / clockTicks();
}

/** Sum of VmRSS (KiB) over the process trees (shared pages, e.g. PostgreSQL's buffers, count once per process). */
export function rssKiB(roots: number[]): number {
  let total = 0;
  for (const pid of processTree(roots)) {
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0);
    } catch {
      // process gone
    }
  }
  return total;
}

/**
 * Sum of Pss (KiB, from /proc/<pid>/smaps_rollup): shared pages divided among the processes sharing them, so a
 * PostgreSQL with many backends is not counted once per backend. Falls back to VmRSS where smaps_rollup is unreadable.
 */
export function pssKiB(roots: number[]): number {
  let total = 0;
  for (const pid of processTree(roots)) {
    try {
      total += Number(/^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      total += rssKiB([pid]);
    }
  }
  return total;
}

export type CpuSample = Record<string, number>;

/** CPU ms per group of process trees, e.g. { node: ..., database: ... }. */
export function sampleCpu(groups: Record<string, number[]>): CpuSample {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuMs(pids)]));
}

export function rssMiB(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, rssKiB(pids) / 1024]));
}

export function pssMiB(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pssKiB(pids) / 1024]));
}

/** 1, 5 and 15 minute load averages. */
export function loadAverages(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  return [a, b, c];
}

export const formatLoad = (l: [number, number, number]) => l.map((x) => x.toFixed(2)).join(' ');

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarize(xs: number[]): Summary {
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    mean: sorted.length ? mean : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}
