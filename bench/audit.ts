// npm run bench:audit: the admin console's audit log at a year's volume on the embedded database, over HTTP against
// the real provider: the newest page, Older and Newer, every category, a user, dates, the API and a streamed export.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { Agent, formOf, type Response } from '../test/helpers/agent.js';
import { writeAuditLogs, type StoreLog } from '../test/helpers/audit-volume.js';
import { BENCH_STORE, benchUsername, insertUsers } from './ours/seed.js';
import { type OurTarget, startOurTarget } from './ours/target.js';
import type { BenchUser } from './lib/target.js';
import { createTotpSource } from './lib/totp.js';
import { cpuMs, formatLoad, loadAverages, rssKiB, summarize } from './lib/measure.js';
import { loadLine, num, table } from './lib/report.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'store-events': { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
    quick: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  },
});
const count = (v: string | undefined) => Number((v ?? '').replace(/_/g, ''));
const quick = values.quick ?? false;
const totalEvents = quick ? 200_000 : count(values.events);
const storeEvents = quick ? 20_000 : count(values['store-events']);
const rounds = quick ? 6 : count(values.rounds);
if (![totalEvents, storeEvents, rounds].every((n) => Number.isInteger(n) && n > 0) || storeEvents > totalEvents) {
  console.error('usage: npx tsx bench/audit.ts [--events 1000000] [--store-events 100000] [--rounds 20] [--quick] [--data-dir DIR]');
  process.exit(2);
}
const OTHER_STORE_EVENTS = 5_000;
const STAFF = 24;
const DAY_MS = 86_400_000;
const ADMIN = 'auditadmin';
const log = (msg: string) => console.error(`  ${msg}`);
const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

console.log(`mfa-idp audit bench: ${totalEvents} audit events, ${storeEvents} of them in the store the admin reads${quick ? ' (quick)' : ''}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
console.log(loadLine('start', loadAverages()));

let admin: (BenchUser & { id: string }) | undefined;
let loadSeconds = 0;
let target: OurTarget;
try {
  target = await startOurTarget({
    users: STAFF,
    log,
    dataDir: values['data-dir'],
    async prepare(models, credentials) {
      const store = await models.StoreAccount.findOne({ prefix: BENCH_STORE }).lean();
      if (!store) throw new Error('audit bench: no bench store');
      const storeId = store._id as Types.ObjectId;
      [admin] = await insertUsers(models, { storeId, count: 1, usernameOf: () => ADMIN, credentials, role: 'admin' });
      const staff = await models.User.find({ storeId }, { _id: 1 }).lean();
      // the admin first, then a manager (approvals), then the cashiers
      const people = [new Types.ObjectId(admin?.id), ...staff.map((u) => u._id as Types.ObjectId).filter((id) => String(id) !== admin?.id)];
      const logs: StoreLog[] = [{ storeId, people, events: storeEvents }];
      for (let left = totalEvents - storeEvents; left > 0; left -= OTHER_STORE_EVENTS) {
        logs.push({ storeId: new Types.ObjectId(), people: Array.from({ length: 8 }, () => new Types.ObjectId()), events: Math.min(OTHER_STORE_EVENTS, left) });
      }
      const t0 = performance.now();
      await writeAuditLogs(models, logs, { days: 365, log });
      loadSeconds = (performance.now() - t0) / 1000;
    },
  });
} catch (err) {
  console.error(`our provider did not start: ${(err as Error).message}`);
  process.exit(1);
}
console.log(`loaded ${totalEvents} events (${storeEvents} in store "${BENCH_STORE}", the rest in ${Math.ceil((totalEvents - storeEvents) / OTHER_STORE_EVENTS)} other stores, over 365 days) in ${num(loadSeconds, 0)} s`);

interface Scenario {
  name: string;
  /** the request of round `i` */
  path: (i: number) => string;
}

try {
  const agent = new Agent({ 'accept-language': 'en' });
  const issuer = target.issuer;
  // the admin signs in to the console through the provider: store, password, authenticator code
  const totp = createTotpSource();
  if (!admin) throw new Error('audit bench: the admin was not seeded');
  const signedIn = await signInToConsole(agent, issuer, admin, () => totp.nextCode(admin?.username ?? '', admin?.totpSecret ?? ''));
  if (!signedIn) throw new Error('audit bench: the admin did not reach the console');

  // the Older links from the newest page: pages 2..6
  const olderLinks: string[] = [];
  let next = hrefOf((await agent.request(`${issuer}/admin/audit`)).body, 'next');
  while (next && olderLinks.length < 5) {
    olderLinks.push(next);
    next = hrefOf((await agent.request(`${issuer}${next}`)).body, 'next');
  }
  // a synthetic cursor at an instant: "older than" / "newer than" it
  const cursorAt = (daysAgo: number, id: string) => `${Date.now() - daysAgo * DAY_MS}-${id}`;
  const cashier = (i: number) => benchUsername(3 + (i % 12));
  const scenarios: Scenario[] = [
    { name: 'newest page', path: () => '/admin/audit' },
    { name: 'Older (pages 2-6)', path: (i) => olderLinks[i % olderLinks.length] ?? '/admin/audit' },
    { name: 'Older, 1-11 months back', path: (i) => `/admin/audit?older=${cursorAt(30 + ((i * 37) % 300), 'f'.repeat(24))}` },
    { name: 'Newer, 1-11 months back', path: (i) => `/admin/audit?newer=${cursorAt(30 + ((i * 37) % 300), '0'.repeat(24))}` },
    ...['signin', 'mfa', 'password', 'sessions', 'users', 'policy', 'email', 'approvals', 'other'].map((c) => ({ name: `category ${c}`, path: () => `/admin/audit?category=${c}` })),
    { name: 'category policy, Older', path: (i) => `/admin/audit?category=policy&older=${cursorAt(60 + ((i * 41) % 240), 'f'.repeat(24))}` },
    { name: 'a cashier', path: (i) => `/admin/audit?user=${cashier(i)}` },
    { name: 'a cashier, sign-ins', path: (i) => `/admin/audit?user=${cashier(i)}&category=signin` },
    { name: 'a cashier, password', path: (i) => `/admin/audit?user=${cashier(i)}&category=password` },
    { name: 'the admin, policy', path: () => `/admin/audit?user=${ADMIN}&category=policy` },
    { name: 'one day', path: (i) => `/admin/audit?from=${isoDay(10 + (i % 300))}&to=${isoDay(10 + (i % 300))}` },
    { name: 'one month', path: (i) => `/admin/audit?from=${isoDay(40 + (i % 300))}&to=${isoDay(10 + (i % 300))}` },
    { name: 'one month, sign-ins', path: (i) => `/admin/audit?from=${isoDay(40 + (i % 300))}&to=${isoDay(10 + (i % 300))}&category=signin` },
    { name: 'API, type approval.', path: () => '/admin/api/audit?type=approval.' },
  ];

  log(`warm-up: each request once; then ${rounds} rounds of ${scenarios.length} requests, one at a time`);
  for (const s of scenarios) await timed(agent, issuer, s.path(0));
  const samples = new Map(scenarios.map((s) => [s.name, [] as number[]]));
  const commands = new Map(scenarios.map((s) => [s.name, 0]));
  // the servers' own work (provider, FerretDB, PostgreSQL): unlike the wall time, barely changed by other load
  const cpu = new Map(scenarios.map((s) => [s.name, 0]));
  const loadBefore = loadAverages();
  for (let round = 0; round < rounds; round++) {
    for (const s of scenarios) {
      const before = await target.dbCommands?.();
      const cpuBefore = cpuMs(target.pids());
      samples.get(s.name)?.push(await timed(agent, issuer, s.path(round)));
      cpu.set(s.name, (cpu.get(s.name) ?? 0) + cpuMs(target.pids()) - cpuBefore);
      const after = await target.dbCommands?.();
      if (before !== undefined && after !== undefined) commands.set(s.name, (commands.get(s.name) ?? 0) + after - before);
    }
  }
  const loadAfter = loadAverages();
  const rows = scenarios.map((s) => {
    const sum = summarize(samples.get(s.name) ?? []);
    return [s.name, String(sum.n), num(sum.p50), num(sum.p95), num(sum.max), num((cpu.get(s.name) ?? 0) / rounds, 0), num((commands.get(s.name) ?? 0) / rounds, 1)];
  });
  const overall = summarize([...samples.values()].flat());
  const allCpu = [...cpu.values()].reduce((a, b) => a + b, 0) / (rounds * scenarios.length);
  rows.push(['all requests', String(overall.n), num(overall.p50), num(overall.p95), num(overall.max), num(allCpu, 0), '']);
  console.log(
    `\naudit pages over HTTP (ms, whole response; ${rounds} rounds; server CPU ms per request: provider, FerretDB and PostgreSQL, 10 ms ticks averaged; ` +
      "DB commands per request from the provider's metrics, the page's user and session reads included)",
  );
  console.log(table(['request', 'n', 'p50', 'p95', 'max', 'CPU ms', 'DB cmd'], rows));
  console.log(`load average (1 5 15 min) before ${formatLoad(loadBefore)}, after ${formatLoad(loadAfter)}`);

  // the export: the whole log as CSV (capped at 50,000 events), streamed; the provider's memory while it streams
  const rssBefore = rssKiB([target.pids()[0] ?? 0]) / 1024;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssKiB([target.pids()[0] ?? 0]) / 1024);
  }, 100);
  const t0 = performance.now();
  const res = await fetch(`${issuer}/admin/audit.csv`, { headers: { cookie: agent.cookieHeader() } });
  let bytes = 0;
  let lines = 0;
  let firstByte = 0;
  for await (const chunk of res.body ?? []) {
    if (!firstByte) firstByte = performance.now() - t0;
    bytes += chunk.length;
    for (const b of chunk as Uint8Array) if (b === 10) lines++;
  }
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\nexport: /admin/audit.csv, ${lines - 1} events (${num(bytes / 1024 / 1024)} MiB) in ${num(seconds)} s (${num((lines - 1) / seconds, 0)} events/s), ` +
      `first byte after ${num(firstByte, 0)} ms; provider RSS ${num(rssBefore, 0)} MiB before, at most ${num(peak, 0)} MiB while streaming`,
  );
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}\nprovider's last lines:\n${target.logTail()}`);
  process.exitCode = 1;
} finally {
  await target.stop();
}
console.log(loadLine('\nend', loadAverages()));

function hrefOf(html: string, rel: string): string | undefined {
  return new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
}

async function timed(agent: Agent, issuer: string, path: string): Promise<number> {
  const t = performance.now();
  const res = await agent.request(`${issuer}${path}`);
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return ms;
}

async function signInToConsole(agent: Agent, issuer: string, user: { username: string; password: string }, code: () => Promise<string>): Promise<boolean> {
  const submit = async (page: Response, fields: Record<string, string>) => {
    const form = formOf(page.body);
    return agent.follow(new URL(form.action, page.url).href, { form: { ...form.fields, ...fields } });
  };
  const start = await agent.follow(`${issuer}/admin?store=${BENCH_STORE}`);
  const codePage = await submit(start, { username: user.username, password: user.password });
  const home = await submit(codePage, { code: await code() });
  return /\/admin(\?|$)/.test(home.url);
}
