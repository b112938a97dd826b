// npm run bench:soak: a steady load on several provider instances over one embedded database behind a round-robin
// proxy (sign-ins and refreshes), minute by minute, with the memory of every process over time. With --cross-hour it
// straddles the next full hour, after filling the database with documents that expire in the minutes before it (the
// expiry sweep's worst moment), and compares sign-in latency in the minute before and after. Numbers, never pass/fail.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bucketOf, insertExpiring } from './ours/expiring.js';
import { startCluster } from './ours/cluster.js';
import { ROOT } from './ours/server.js';
import { formatLoad, loadAverages, percentile, processTree, rssKiB } from './lib/measure.js';
import { num, table } from './lib/report.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string' },
    users: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '4' },
    instances: { type: 'string', default: '2' },
    root: { type: 'string' },
    'cross-hour': { type: 'boolean', default: false },
    expiring: { type: 'string', default: '22000' },
    'expire-window': { type: 'string', default: '7.5' },
    after: { type: 'string', default: '5' },
    // minutes of soak before the boundary (default: just the expiry window and a minute)
    before: { type: 'string' },
    sample: { type: 'string', default: '15' },
    out: { type: 'string' },
  },
});
const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v.replace(/_/g, '')));
const users = int(flags.users, 400);
const concurrency = int(flags.concurrency, 4);
const instances = int(flags.instances, 2);
const root = path.resolve(flags.root ?? ROOT);
const sampleMs = int(flags.sample, 15) * 1000;
const log = (msg: string) => console.error(`  ${new Date().toISOString().slice(11, 19)} ${msg}`);
// seeding, two providers starting, warm-up and the expiring documents: about three minutes on this machine
const SETUP_MS = 4 * 60_000;
const MINUTE = 60_000;

// When the soak starts and ends, and the hour boundary it straddles (if any).
const now = Date.now();
let boundary: number | undefined;
let startAt = now;
if (flags['cross-hour']) {
  const windowMs = Number(flags['expire-window']) * MINUTE;
  const lead = SETUP_MS + Math.max(windowMs + MINUTE, int(flags.before, 0) * MINUTE);
  boundary = Math.ceil((now + lead) / 3_600_000) * 3_600_000;
  startAt = boundary - lead;
}
// without a boundary the soak lasts --minutes from the end of the set-up
let endAt = boundary ? boundary + int(flags.after, 5) * MINUTE : Number.POSITIVE_INFINITY;

console.log(`mfa-idp soak: ${instances} instances of ${root === ROOT ? 'this checkout' : root} behind a round-robin proxy, ${concurrency} concurrent sign-ins + 1 refresh loop, ${users} users`);
console.log(`node ${process.version}, ${os.cpus().length} cores; load ${formatLoad(loadAverages())}`);
if (boundary) console.log(`hour boundary ${new Date(boundary).toISOString()}; ${flags.expiring} access tokens and as many markers expire in the ${flags['expire-window']} min before it`);
if (startAt > Date.now()) {
  log(`waiting until ${new Date(startAt).toISOString()} to start`);
  await sleep(startAt - Date.now());
}

const cluster = await startCluster({ users, instances, root, log });
const { browser } = cluster;
interface Op {
  kind: 'sign-in' | 'refresh';
  start: number;
  ms: number;
  ok: boolean;
}
const ops: Op[] = [];
const errors = new Map<string, number>();
const tokens: string[] = [];
let stopping = false;

async function signInLoop(slot: number) {
  for (let i = slot; !stopping; i += concurrency) {
    const user = cluster.users[i % cluster.users.length];
    if (!user) return;
    const start = Date.now();
    const t = performance.now();
    try {
      const { refreshToken } = await browser.signIn(user);
      ops.push({ kind: 'sign-in', start, ms: performance.now() - t, ok: true });
      tokens.push(refreshToken);
      if (tokens.length > 2_000) tokens.shift();
    } catch (err) {
      ops.push({ kind: 'sign-in', start, ms: performance.now() - t, ok: false });
      const msg = (err as Error).message.slice(0, 160);
      errors.set(msg, (errors.get(msg) ?? 0) + 1);
    }
  }
}

async function refreshLoop() {
  while (!stopping) {
    const token = tokens.shift();
    if (!token) {
      await sleep(200);
      continue;
    }
    const start = Date.now();
    const t = performance.now();
    try {
      tokens.push(await browser.refresh(token));
      ops.push({ kind: 'refresh', start, ms: performance.now() - t, ok: true });
    } catch (err) {
      ops.push({ kind: 'refresh', start, ms: performance.now() - t, ok: false });
      const msg = `refresh: ${(err as Error).message.slice(0, 150)}`;
      errors.set(msg, (errors.get(msg) ?? 0) + 1);
    }
  }
}

// Memory of every process, FerretDB's Go heap, its client connections, table sizes, load.
interface Sample {
  at: number;
  load: [number, number, number];
  nodeMiB: number[];
  ferretdbMiB: number;
  /** FerretDB's resident memory by kind: anonymous (heap, stacks) and file-backed (its 37 MB binary, paged in as used) */
  ferretdbAnonMiB: number;
  ferretdbFileMiB: number;
  postgresMiB: number;
  postgresProcesses: number;
  go?: { heapAllocMiB: number; heapInuseMiB: number; heapIdleMiB: number; heapReleasedMiB: number; sysMiB: number; numGC: number; goroutines: number };
  ferretdbSockets: number;
  rows: Record<string, number>;
}
const samples: Sample[] = [];
const [ferretdbPid, postgresPid] = cluster.database.pids();
const pgClient = new pg.Client(cluster.database.postgres.clientConfig());
await pgClient.connect();
const mib = (b: number) => b / 1024 / 1024;
const statusKiB = (pid: number, field: string) => {
  try {
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
};
async function sample(): Promise<Sample> {
  let go: Sample['go'];
  try {
    const vars = (await (await fetch(`${cluster.ferretdbDebugUrl}/debug/vars`)).json()) as { memstats: Record<string, number>; goroutines: number };
    const m = vars.memstats;
    go = { heapAllocMiB: mib(m.HeapAlloc ?? 0), heapInuseMiB: mib(m.HeapInuse ?? 0), heapIdleMiB: mib(m.HeapIdle ?? 0), heapReleasedMiB: mib(m.HeapReleased ?? 0), sysMiB: mib(m.Sys ?? 0), numGC: m.NumGC ?? 0, goroutines: vars.goroutines };
  } catch {
    go = undefined;
  }
  let sockets = 0;
  try {
    for (const fd of readdirSync(`/proc/${ferretdbPid}/fd`)) if (readlinkSync(`/proc/${ferretdbPid}/fd/${fd}`).startsWith('socket:')) sockets++;
  } catch {
    sockets = Number.NaN;
  }
  const rows: Record<string, number> = {};
  const { rows: tables } = await pgClient.query<{ relname: string; n: string }>(`SELECT relname, n_live_tup AS n FROM pg_stat_user_tables WHERE schemaname = 'soak'`);
  for (const t of tables) for (const name of ['oidc_payloads', 'consumed_markers']) if (t.relname.startsWith(name)) rows[name] = Number(t.n);
  return {
    at: Date.now(),
    load: loadAverages(),
    nodeMiB: cluster.providers.map((p) => rssKiB([p.pid]) / 1024),
    ferretdbMiB: rssKiB([ferretdbPid ?? 0]) / 1024,
    ferretdbAnonMiB: statusKiB(ferretdbPid ?? 0, 'RssAnon') / 1024,
    ferretdbFileMiB: statusKiB(ferretdbPid ?? 0, 'RssFile') / 1024,
    postgresMiB: rssKiB([postgresPid ?? 0]) / 1024,
    postgresProcesses: processTree([postgresPid ?? 0]).length,
    go,
    ferretdbSockets: sockets,
    rows,
  };
}

async function heapProfile(name: string) {
  if (!flags.out) return;
  try {
    const res = await fetch(`${cluster.ferretdbDebugUrl}/debug/pprof/heap`);
    writeFileSync(`${flags.out}.${name}.heap.pb.gz`, Buffer.from(await res.arrayBuffer()));
  } catch {
    // no profile: the numbers still stand
  }
}

try {
  log('warm-up: 20 sign-ins');
  for (let i = 0; i < 20; i++) await browser.signIn(cluster.users[i] as (typeof cluster.users)[number]).then((r) => tokens.push(r.refreshToken));
  if (boundary) {
    const window = Number(flags['expire-window']) * MINUTE;
    const count = int(flags.expiring, 22_000);
    const accounts = (await cluster.db.models.User.find({}, { _id: 1 }).lean()).map((u) => String(u._id));
    const t = Date.now();
    await insertExpiring(cluster.db.models, { count, from: new Date(boundary - window), to: new Date(boundary), bucket: await bucketOf(root), accounts });
    log(`inserted ${count} access tokens and ${count} markers expiring ${new Date(boundary - window).toISOString().slice(11, 19)}-${new Date(boundary).toISOString().slice(11, 19)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  await heapProfile('start');
  const soakStart = Date.now();
  if (!boundary) endAt = soakStart + int(flags.minutes, 10) * MINUTE;
  log(`soak until ${new Date(endAt).toISOString()}`);
  const loops = [...Array.from({ length: concurrency }, (_, i) => signInLoop(i)), refreshLoop()];
  while (Date.now() < endAt) {
    const s = await sample();
    samples.push(s);
    const recent = ops.filter((o) => o.kind === 'sign-in' && o.start >= s.at - sampleMs);
    log(
      `sign-ins ${recent.length} (p95 ${num(percentile(recent.map((o) => o.ms).sort((a, b) => a - b), 95), 0)} ms), ` +
        `ferretdb ${num(s.ferretdbMiB)} MiB (anon ${num(s.ferretdbAnonMiB)}, file ${num(s.ferretdbFileMiB)}, go heap ${num(s.go?.heapInuseMiB)}), postgres ${num(s.postgresMiB, 0)} MiB, node ${s.nodeMiB.map((m) => num(m, 0)).join('/')} MiB, ` +
        `payloads ${s.rows.oidc_payloads ?? '?'} markers ${s.rows.consumed_markers ?? '?'}, load ${formatLoad(s.load)}`,
    );
    await sleep(Math.min(sampleMs, Math.max(0, endAt - Date.now())));
  }
  stopping = true;
  await Promise.all(loops);
  samples.push(await sample());
  await heapProfile('end');
  report(soakStart);
} catch (err) {
  console.error(`soak failed: ${(err as Error).stack}`);
  for (const p of cluster.providers) console.error(`provider ${p.pid} last lines:\n${p.tail(20)}`);
  process.exitCode = 1;
} finally {
  stopping = true;
  await pgClient.end().catch(() => undefined);
  await cluster.stop();
}

function stats(list: Op[]) {
  const ok = list.filter((o) => o.ok).map((o) => o.ms).sort((a, b) => a - b);
  return { n: list.length, ok: ok.length, failed: list.length - ok.length, p50: percentile(ok, 50), p95: percentile(ok, 95), max: ok.at(-1) ?? Number.NaN };
}

function report(soakStart: number) {
  const firstMinute = Math.floor(soakStart / MINUTE) * MINUTE;
  const rows: string[][] = [];
  for (let m = firstMinute; m < endAt; m += MINUTE) {
    const inMinute = ops.filter((o) => o.start >= m && o.start < m + MINUTE);
    const s = stats(inMinute.filter((o) => o.kind === 'sign-in'));
    const r = stats(inMinute.filter((o) => o.kind === 'refresh'));
    const smp = samples.filter((x) => x.at >= m && x.at < m + MINUTE).at(-1);
    rows.push([
      new Date(m).toISOString().slice(11, 16) + (boundary === m ? ' *' : ''),
      `${s.ok}/${s.n}`,
      num(s.p50, 0),
      num(s.p95, 0),
      num(s.max, 0),
      `${r.ok}/${r.n}`,
      num(r.p95, 0),
      smp ? `${num(smp.ferretdbMiB)} (${num(smp.ferretdbAnonMiB)}+${num(smp.ferretdbFileMiB)})` : '',
      smp?.go ? num(smp.go.heapInuseMiB) : '',
      smp ? num(smp.postgresMiB, 0) : '',
      smp ? smp.nodeMiB.map((x) => num(x, 0)).join('/') : '',
      smp ? String(smp.rows.oidc_payloads ?? '') : '',
      smp ? String(smp.rows.consumed_markers ?? '') : '',
      smp ? formatLoad(smp.load) : '',
    ]);
  }
  console.log('\nper minute (by start time of the operation; memory and rows sampled at the end of the minute; * = the hour boundary)');
  console.log(table(['minute', 'sign-ins ok', 'p50 ms', 'p95 ms', 'max ms', 'refresh ok', 'p95 ms', 'ferretdb RSS (anon+file)', 'go heap', 'postgres RSS', 'node RSS', 'payloads', 'markers', 'load 1/5/15'], rows));
  if (boundary) {
    const before = stats(ops.filter((o) => o.kind === 'sign-in' && o.start >= boundary - MINUTE && o.start < boundary));
    const after = stats(ops.filter((o) => o.kind === 'sign-in' && o.start >= boundary && o.start < boundary + MINUTE));
    const straddling = ops.filter((o) => o.kind === 'sign-in' && o.start < boundary && o.start + o.ms > boundary);
    console.log(
      `\nhour boundary: sign-ins started in the minute before: ${before.ok}/${before.n} ok, p95 ${num(before.p95, 0)} ms; in the minute after: ${after.ok}/${after.n} ok, p95 ${num(after.p95, 0)} ms; ` +
        `the slowest in flight at the boundary took ${num(Math.max(0, ...straddling.map((o) => o.ms)), 0)} ms`,
    );
  }
  const first = samples[0];
  const last = samples.at(-1);
  if (first && last) {
    console.log(
      `memory from first to last sample (${num((last.at - first.at) / MINUTE, 0)} min): ferretdb RSS ${num(first.ferretdbMiB)} -> ${num(last.ferretdbMiB)} MiB ` +
        `(anonymous ${num(first.ferretdbAnonMiB)} -> ${num(last.ferretdbAnonMiB)}, file-backed ${num(first.ferretdbFileMiB)} -> ${num(last.ferretdbFileMiB)}), go heap in use ${num(first.go?.heapInuseMiB)} -> ${num(last.go?.heapInuseMiB)} MiB, ` +
        `postgres ${num(first.postgresMiB, 0)} -> ${num(last.postgresMiB, 0)} MiB, node ${first.nodeMiB.map((x) => num(x, 0)).join('/')} -> ${last.nodeMiB.map((x) => num(x, 0)).join('/')} MiB`,
    );
  }
  console.log(`requests per instance through the proxy: ${cluster.proxy.counts().join(' / ')}`);
  if (errors.size) console.log(`failures:\n${[...errors].map(([m, n]) => `  ${n} x ${m}`).join('\n')}`);
  if (flags.out) {
    writeFileSync(flags.out, JSON.stringify({ boundary, soakStart, endAt, samples, ops }, null, 0));
    console.log(`raw data: ${flags.out} (heap profiles beside it: go tool pprof -top -inuse_space <file>)`);
  }
}
