// The database-size cost curve: sign-in p50 at concurrency 1 as stored tokens/sessions grow 1k, 10k, 100k (plus other stores' users).
import { type LoadState, type PhaseResult, runPhase } from '../lib/load.js';
import { num, table } from '../lib/report.js';
import type { OurTarget } from './target.js';

export interface CurvePoint {
  label: string;
  payloads: number;
  users: number;
  preloadSeconds: number;
  expiryScan: { ms: number; dbCpuMs: number };
  phase: PhaseResult;
}

/** 1k, 10k, 100k ... up to `max` (and `max` itself when it is not a power of ten times 1k). */
export function curveSizes(max: number): number[] {
  const sizes: number[] = [];
  for (let s = 1_000; s <= max; s *= 10) sizes.push(s);
  if (sizes.at(-1) !== max) sizes.push(max);
  return sizes;
}

export async function runCostCurve(
  target: OurTarget,
  state: LoadState,
  opts: { maxTokens: number; extraUsers: number; signIns: number; log: (msg: string) => void },
): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  const measure = async (label: string, preloadSeconds: number) => {
    const sizes = await target.sizes();
    opts.log(`cost curve: ${label}: ${sizes.payloads} stored documents, ${sizes.users} users; ${opts.signIns} sign-ins at concurrency 1`);
    const expiryScan = await target.expiryScan();
    points.push({ label, ...sizes, preloadSeconds, expiryScan, phase: await runPhase(state, 'sign-in', opts.signIns, 1) });
  };
  await measure('as seeded', 0);
  let preloaded = 0;
  for (const [i, size] of curveSizes(opts.maxTokens).entries()) {
    const users = i === 0 ? opts.extraUsers : 0;
    opts.log(`cost curve: preloading ${size - preloaded} stored tokens/sessions${users ? ` and ${users} users in other stores` : ''}`);
    const done = await target.preload({ tokens: size - preloaded, users });
    preloaded = size;
    await measure(`+${size.toLocaleString('en')} tokens${i === 0 && users ? `, +${users.toLocaleString('en')} users` : ''}`, done.seconds);
  }
  return points;
}

export function curveTable(points: CurvePoint[]): string {
  const base = points[1]?.phase.latency.p50 ?? points[0]?.phase.latency.p50;
  return table(
    ['database', 'oidc_payloads', 'users', 'preload s', 'ok/ops', 'p50 ms', 'p95 ms', 'p50 / 1k', 'CPU ms/op', 'DB cmd/op', 'expiry scan ms (db CPU ms)'],
    points.map((p) => [
      p.label,
      String(p.payloads),
      String(p.users),
      num(p.preloadSeconds),
      `${p.phase.ok}/${p.phase.ops}`,
      num(p.phase.latency.p50),
      num(p.phase.latency.p95),
      base ? `${num(p.phase.latency.p50 / base, 2)}x` : 'n/a',
      num(p.phase.cpuMsPerOp.total),
      num(p.phase.dbCommandsPerOp),
      `${num(p.expiryScan.ms, 0)} (${num(p.expiryScan.dbCpuMs, 0)})`,
    ]),
  );
}
