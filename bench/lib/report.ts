// Plain-text tables of phase results (numbers printed, never asserted) and number formatting.
import type { PhaseResult } from './load.js';
import { formatLoad } from './measure.js';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `digits` decimals; NaN/undefined as "n/a". */
export function num(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

export const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? Number.NaN : a / b);

const PHASE_HEADERS = ['target', 'op', 'conc', 'ok/ops', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU ms/op', 'driver ms/op', 'DB cmd/op', 'RSS MiB', 'PSS MiB', 'load 1m before→after', 'TOTP waits'];

/** CPU per op as "total (group a + group b)" when there are several groups. */
function cpuCell(p: PhaseResult): string {
  const groups = Object.entries(p.cpuMsPerOp).filter(([g]) => g !== 'total');
  const total = num(p.cpuMsPerOp.total);
  return groups.length > 1 ? `${total} (${groups.map(([g, v]) => `${g} ${num(v)}`).join(' + ')})` : total;
}

function memCell(mem: Record<string, number>): string {
  const groups = Object.entries(mem).filter(([g]) => g !== 'total');
  const total = num(mem.total, 0);
  return groups.length > 1 ? `${total} (${groups.map(([g, v]) => `${g} ${num(v, 0)}`).join(' + ')})` : total;
}

export function phaseRow(p: PhaseResult): string[] {
  return [
    p.target,
    p.kind,
    String(p.concurrency),
    `${p.ok}/${p.ops}`,
    num(p.perSecond),
    num(p.latency.p50),
    num(p.latency.p95),
    num(p.latency.p99),
    cpuCell(p),
    num(p.driverCpuMsPerOp),
    num(p.dbCommandsPerOp),
    memCell(p.rssMiB),
    num(p.pssMiB.total, 0),
    `${p.loadBefore[0].toFixed(2)}→${p.loadAfter[0].toFixed(2)}`,
    p.totpWaits.count ? `${p.totpWaits.count} (${(p.totpWaits.ms / 1000).toFixed(0)} s)` : '0',
  ];
}

export function phaseTable(phases: PhaseResult[]): string {
  return table(PHASE_HEADERS, phases.map(phaseRow));
}

/**
 * Node's CPU per sign-in without its password check: each sign-in verifies one password (argon2id, the bench's users
 * have current parameters, so nothing is rehashed), whose CPU `verifyCpuMs` was measured alone in this run.
 */
export function nodeWithoutArgon2(phases: PhaseResult[], verifyCpuMs: number): string {
  return phases
    .filter((p) => p.kind === 'sign-in' && p.cpuMsPerOp.node !== undefined)
    .map((p) => `c=${p.concurrency} ${num((p.cpuMsPerOp.node ?? 0) - verifyCpuMs)} ms (node ${num(p.cpuMsPerOp.node)} − argon2id ${num(verifyCpuMs)})`)
    .join('; ');
}

/** The failure messages of phases that had failures, indented. */
export function failureLines(phases: PhaseResult[]): string {
  return phases
    .filter((p) => p.failures > 0)
    .map((p) => `  ${p.target} ${p.kind} c=${p.concurrency}: ${p.failures} failed\n${p.errors.map((e) => `    ${e.slice(0, 600)}`).join('\n')}`)
    .join('\n');
}

export function loadLine(label: string, load: [number, number, number]): string {
  return `${label} load average (1 5 15 min): ${formatLoad(load)}`;
}

/** True when most operations failed (the only reason, besides a target that does not start, to exit non-zero). */
export function mostFailed(phases: PhaseResult[]): boolean {
  const ops = phases.reduce((s, p) => s + p.ops, 0);
  const failed = phases.reduce((s, p) => s + p.failures, 0);
  return ops > 0 && failed * 2 > ops;
}
