// Self-check of the Keycloak target: 5 users, 3 full sign-ins, 3 refreshes, the stored argon2 parameters, then stop.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startKeycloakTarget } from './target.js';

const t0 = performance.now();
const target = await startKeycloakTarget({ users: 5, log: (m) => console.log(`  ${m}`) });
console.log(`started ${target.name} at ${target.baseUrl} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

let failed = false;
const jvms = target.pids();
try {
  const h = target.passwordHash;
  console.log(`stored password hash (${h.username}): ${h.algorithm}${h.type} v${h.version} m=${h.memoryKiB} KiB t=${h.iterations} p=${h.parallelism} len=${h.hashLength}`);

  const comms = jvms.map((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim());
  console.log(`pids: ${jvms.join(', ')} (${comms.join(', ')})`);
  if (jvms.length === 0) throw new Error('no java pid found');

  let rt = '';
  for (let i = 0; i < 3; i++) {
    const user = target.users[i % target.users.length];
    if (!user) throw new Error('no users');
    const t = performance.now();
    ({ refreshToken: rt } = await target.signIn(user));
    console.log(`sign-in ${i + 1} (${user.username}): ${(performance.now() - t).toFixed(0)} ms`);
  }
  // A second sign-in of one user within the same 30 s step has to use the next step's code.
  const again = target.users[0];
  if (again) {
    const t = performance.now();
    ({ refreshToken: rt } = await target.signIn(again));
    console.log(`sign-in again (${again.username}, next TOTP step): ${(performance.now() - t).toFixed(0)} ms`);
  }
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const next = await target.refresh(rt);
    if (!next) throw new Error('empty refresh token');
    rt = next;
    console.log(`refresh ${i + 1}: ${(performance.now() - t).toFixed(0)} ms`);
  }
  console.log('smoke: OK');
} catch (err) {
  failed = true;
  console.error('smoke: FAILED', err);
} finally {
  const t = performance.now();
  await target.stop();
  const left = jvms.filter((p) => existsSync(`/proc/${p}`)).length;
  console.log(`stopped in ${((performance.now() - t) / 1000).toFixed(1)} s${left ? `, but ${left} java process(es) remain` : ''}`);
  if (left) failed = true;
}
process.exitCode = failed ? 1 : 0;
