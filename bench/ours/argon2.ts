// The cost of one password hash and verify with the project's argon2id hasher (m=19 MiB, t=2, p=1), in this process.
import { performance } from 'node:perf_hooks';
import { createPasswordHasher } from '../../src/services/passwords/index.js';
import { type Summary, summarize } from '../lib/measure.js';

export interface Argon2Cost {
  hash: Summary;
  verify: Summary;
  /** CPU (user + system) of this process per verify, ms */
  verifyCpuMs: number;
}

export async function measureArgon2(rounds: number): Promise<Argon2Cost> {
  const hasher = createPasswordHasher();
  const password = 'correct horse battery staple';
  const stored = await hasher.hash(password); // also the warm-up
  const hashes: number[] = [];
  const verifies: number[] = [];
  let cpu = 0;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await hasher.hash(password);
    hashes.push(performance.now() - t);
    const before = process.cpuUsage();
    t = performance.now();
    if (!(await hasher.verify(stored, password))) throw new Error('argon2: verify of the right password failed');
    verifies.push(performance.now() - t);
    const used = process.cpuUsage(before);
    cpu += (used.user + used.system) / 1000;
  }
  return { hash: summarize(hashes), verify: summarize(verifies), verifyCpuMs: cpu / rounds };
}
