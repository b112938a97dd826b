// Measures sign-in cost on the embedded database: argon2id, a full password sign-in, and its throughput (npm run bench).
import { performance } from 'node:perf_hooks';
import { createPasswordHasher } from '../src/services/passwords/index.js';
import { Agent } from '../test/helpers/agent.js';
import { beginSignIn, redeem, startStack, submit } from '../test/helpers/stack.js';

const SEQUENTIAL = Number(process.env.BENCH_N ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const summary = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, n=${xs.length}`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const hasher = createPasswordHasher();
const hash = await hasher.hash('benchmark passphrase');
const hashes: number[] = [];
const verifies: number[] = [];
for (let i = 0; i < 10; i++) {
  hashes.push(await time(() => hasher.hash('benchmark passphrase')));
  verifies.push(await time(() => hasher.verify(hash, 'benchmark passphrase')));
}
console.log(`argon2id hash (m=19 MiB, t=2, p=1):   ${summary(hashes)}`);
console.log(`argon2id verify:                      ${summary(verifies)}`);

const stack = await startStack();
const storeId = await stack.createStore('bench');
for (let i = 0; i < CONCURRENCY; i++) await stack.createUser(storeId, `user${i}`, 'cashier', 'benchmark passphrase');

async function signIn(i: number) {
  const agent = new Agent();
  const flow = await beginSignIn(stack, agent, { login_hint: 'bench:' });
  const done = await submit(agent, flow.page, { username: `user${i % CONCURRENCY}`, password: 'benchmark passphrase' }, { stopAt: flow.redirect });
  await redeem(flow, done.url);
}

await signIn(0);
const sequential: number[] = [];
for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await time(() => signIn(i)));
console.log(`full password sign-in (authorize -> page -> POST -> code -> tokens), sequential: ${summary(sequential)}`);

const total = CONCURRENCY * 10;
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await signIn(next++);
  }),
);
const seconds = (performance.now() - t0) / 1000;
console.log(`throughput with ${CONCURRENCY} concurrent users: ${(total / seconds).toFixed(1)} sign-ins/s (${total} in ${seconds.toFixed(1)} s)`);
await stack.close();
