// npm run bench:keycloak: ours and Keycloak with the same users, interleaved rounds of sign-ins and refreshes at 1/4/16, with ratios.
import os from 'node:os';
import { parseFlags } from './lib/flags.js';
import { combine, loadState, type LoadState, type PhaseResult, runPhase, runSuite } from './lib/load.js';
import { clockTicks, formatLoad, loadAverages } from './lib/measure.js';
import { failureLines, loadLine, mostFailed, nodeWithoutArgon2, num, phaseTable, ratio, table } from './lib/report.js';
import { measureArgon2 } from './ours/argon2.js';
import type { Target } from './lib/target.js';
import { type KeycloakTarget, startKeycloakTarget } from './keycloak/target.js';
import { type OurTarget, startOurTarget } from './ours/target.js';

const flags = parseFlags({ users: 1200 });
const quick = flags.quick;
const rounds = flags.rounds ?? (quick ? 2 : 3);
const CONCURRENCY = [1, 4, 16];
// per round and target; a full run (3 rounds, 1,200 users) takes about 6-8 minutes on 2 cores, Keycloak's start and import included
const SIGN_INS = quick ? { 1: 10, 4: 20, 16: 32 } : { 1: 40, 4: 80, 16: 160 };
const REFRESHES = quick ? { 1: 20, 4: 40, 16: 64 } : { 1: 150, 4: 300, 16: 600 };
const log = (msg: string) => console.error(`  ${msg}`);

console.log(`ours vs Keycloak: ${flags.users} users each, ${rounds} interleaved rounds${quick ? ' (quick)' : ''}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), CLK_TCK ${clockTicks()}`);
console.log(loadLine('start', loadAverages()));
// our password check's CPU, measured alone, so node's CPU per sign-in can be read without it
const argon = await measureArgon2(10);

const started: Target[] = [];
const stopAll = async () => {
  for (const t of started.splice(0).reverse()) await t.stop().catch((err: Error) => log(`stop ${t.name}: ${err.message}`));
};

let ours: OurTarget;
let keycloak: KeycloakTarget;
try {
  ours = await startOurTarget({ users: flags.users, log, dataDir: flags.dataDir });
  started.push(ours);
  keycloak = await startKeycloakTarget({ users: flags.users, log });
  started.push(keycloak);
} catch (err) {
  console.error(`a target did not start: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
}
console.log(
  `ours: provider node process + embedded FerretDB/PostgreSQL (durable); keycloak ${keycloak.version}: start-dev, H2 in the JVM, ` +
    `argon2${keycloak.passwordHash.type} m=${keycloak.passwordHash.memoryKiB} KiB t=${keycloak.passwordHash.iterations} p=${keycloak.passwordHash.parallelism}`,
);

const all: PhaseResult[] = [];
try {
  const states: LoadState[] = [loadState(ours), loadState(keycloak)];
  for (const state of states) {
    log(`${state.target.name}: warm-up, 20 sign-ins and 40 refreshes at concurrency 4`);
    await runPhase(state, 'sign-in', 20, 4);
    await runPhase(state, 'refresh', 40, 4);
  }
  for (let round = 1; round <= rounds; round++) {
    const phases: PhaseResult[] = [];
    for (const state of round % 2 === 1 ? states : [...states].reverse()) {
      phases.push(...(await runSuite(state, { concurrency: CONCURRENCY, signIns: SIGN_INS, refreshes: REFRESHES, log })));
    }
    all.push(...phases);
    console.log(`\nround ${round} of ${rounds}\n${phaseTable(sorted(phases))}\n${ratioTable(phases)}`);
  }
  const totals = groups(all).map(combine);
  console.log(`\ntotal over ${rounds} rounds (latency percentiles over all rounds' operations)\n${phaseTable(totals)}\n${ratioTable(totals)}`);
  console.log(`ours: node CPU per sign-in without its one argon2id verify: ${nodeWithoutArgon2(totals.filter((p) => p.target === 'ours'), argon.verifyCpuMs)}`);
  const failures = failureLines(all);
  if (failures) console.log(`\nfailures:\n${failures}`);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
console.log(loadLine('\nend', loadAverages()));
if (mostFailed(all)) process.exitCode = 1;

/** Phases grouped by target, kind and concurrency (ours first). */
function groups(phases: PhaseResult[]): PhaseResult[][] {
  const map = new Map<string, PhaseResult[]>();
  for (const p of sorted(phases)) {
    const key = `${p.target}|${p.kind}|${p.concurrency}`;
    map.set(key, [...(map.get(key) ?? []), p]);
  }
  return [...map.values()];
}

function sorted(phases: PhaseResult[]): PhaseResult[] {
  const rank = (p: PhaseResult) => (p.target === 'ours' ? 0 : 2) + (p.kind === 'sign-in' ? 0 : 1);
  return [...phases].sort((a, b) => rank(a) - rank(b) || a.concurrency - b.concurrency);
}

/** ours / Keycloak for each operation and concurrency, plus the load averages around each pair of phases. */
function ratioTable(phases: PhaseResult[]): string {
  const rows: string[][] = [];
  for (const kind of ['sign-in', 'refresh'] as const) {
    for (const c of CONCURRENCY) {
      const o = phases.find((p) => p.target === 'ours' && p.kind === kind && p.concurrency === c);
      const k = phases.find((p) => p.target !== 'ours' && p.kind === kind && p.concurrency === c);
      if (!o || !k) continue;
      rows.push([
        kind,
        String(c),
        `${num(ratio(o.perSecond, k.perSecond), 2)}x`,
        `${num(ratio(o.latency.p50, k.latency.p50), 2)}x`,
        `${num(ratio(o.cpuMsPerOp.total, k.cpuMsPerOp.total), 2)}x`,
        `${num(ratio(o.rssMiB.total, k.rssMiB.total), 2)}x`,
        `${num(ratio(o.pssMiB.total, k.pssMiB.total), 2)}x`,
        `${formatLoad(o.loadBefore)} → ${formatLoad(o.loadAfter)}`,
        `${formatLoad(k.loadBefore)} → ${formatLoad(k.loadAfter)}`,
      ]);
    }
  }
  return `ours / Keycloak\n${table(['op', 'conc', 'ops/s', 'p50', 'CPU/op', 'RSS', 'PSS', 'load ours (1 5 15) before → after', 'load keycloak before → after'], rows)}`;
}
