// npm run bench: our provider alone: argon2id cost, sign-in and refresh at concurrency 1/4/16, and with --data the database-size cost curve.
import os from 'node:os';
import { parseFlags } from './lib/flags.js';
import { loadState, type PhaseResult, runPhase, runSuite } from './lib/load.js';
import { clockTicks, loadAverages } from './lib/measure.js';
import { failureLines, loadLine, mostFailed, nodeWithoutArgon2, num, phaseTable } from './lib/report.js';
import { measureArgon2 } from './ours/argon2.js';
import { curveTable, runCostCurve } from './ours/cost-curve.js';
import { type OurTarget, startOurTarget } from './ours/target.js';

const flags = parseFlags({ users: 1200 });
const CONCURRENCY = [1, 4, 16];
const SIGN_INS = flags.quick ? { 1: 20, 4: 40, 16: 64 } : { 1: 60, 4: 120, 16: 240 };
const REFRESHES = flags.quick ? { 1: 50, 4: 100, 16: 160 } : { 1: 200, 4: 400, 16: 800 };
const CURVE_SIGN_INS = flags.quick ? 20 : 60;
const log = (msg: string) => console.error(`  ${msg}`);

console.log(`mfa-idp bench: ${flags.users} users${flags.data ? `, cost curve up to ${flags.data} stored tokens/sessions` : ''}${flags.quick ? ' (quick)' : ''}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), CLK_TCK ${clockTicks()}`);
console.log(loadLine('start', loadAverages()));

const argon = await measureArgon2(10);
console.log(
  `\nargon2id (m=19 MiB, t=2, p=1), src/services/passwords, 10 rounds: hash p50 ${num(argon.hash.p50)} ms p95 ${num(argon.hash.p95)} ms; ` +
    `verify p50 ${num(argon.verify.p50)} ms p95 ${num(argon.verify.p95)} ms, ${num(argon.verifyCpuMs)} ms CPU each`,
);

let target: OurTarget;
try {
  target = await startOurTarget({ users: flags.users, log, dataDir: flags.dataDir });
} catch (err) {
  console.error(`our provider did not start: ${(err as Error).message}`);
  process.exit(1);
}

const phases: PhaseResult[] = [];
try {
  const idle = await target.idleCommandRate(3_000);
  console.log(`idle: ${num(idle, 2)} database commands/s from the provider while nobody signs in (background work, included below)`);
  const state = loadState(target);
  log('warm-up: 10 sign-ins and 20 refreshes at concurrency 2');
  await runPhase(state, 'sign-in', 10, 2);
  await runPhase(state, 'refresh', 20, 2);

  if (flags.data > 0) {
    const points = await runCostCurve(target, state, { maxTokens: flags.data, extraUsers: 10_000, signIns: CURVE_SIGN_INS, log });
    phases.push(...points.map((p) => p.phase));
    console.log(`\ncost curve: sign-in at concurrency 1 (${CURVE_SIGN_INS} each) as the database grows\n${curveTable(points)}`);
    console.log(
      'expiry scan: what one full `expiresAt <= now` scan of oidc_payloads costs, for reference: the provider never sweeps ' +
        'that way; it finds expired documents by expiry minute with exact, indexed look-ups and deletes them in paced batches (src/db/sweeper.ts)',
    );
  }

  const main = await runSuite(state, { concurrency: CONCURRENCY, signIns: SIGN_INS, refreshes: REFRESHES, log });
  phases.push(...main);
  const sizes = await target.sizes();
  console.log(`\nsign-in (authorize -> store -> password -> TOTP -> code -> token) and refresh; ${sizes.users} users, ${sizes.payloads} stored documents`);
  console.log('CPU = provider node process + FerretDB + PostgreSQL (with its backends), per successful operation');
  console.log(phaseTable(main));
  console.log(`node CPU per sign-in without its one argon2id verify: ${nodeWithoutArgon2(main, argon.verifyCpuMs)}`);
  const failures = failureLines(phases);
  if (failures) console.log(`\nfailures:\n${failures}`);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}\nprovider's last lines:\n${target.logTail()}`);
  process.exitCode = 1;
} finally {
  await target.stop();
}
console.log(loadLine('\nend', loadAverages()));
if (mostFailed(phases)) process.exitCode = 1;
