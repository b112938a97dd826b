// Fetches keycloak-quarkus-dist from Maven Central once into .cache/keycloak/, checks its .sha1, unpacks it, reuses it after.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** /work/main/.cache/keycloak (git-ignored through `.cache/`). */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/keycloak/', import.meta.url));

const MAVEN = 'https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist';

function artifactUrl(version: string): string {
  return `${MAVEN}/${version}/keycloak-quarkus-dist-${version}.tar.gz`;
}

async function expectedSha1(version: string): Promise<string> {
  const res = await fetch(`${artifactUrl(version)}.sha1`);
  if (!res.ok) throw new Error(`keycloak dist: GET .sha1 for ${version} answered ${res.status}`);
  const sha1 = (await res.text()).trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{40}$/.test(sha1)) throw new Error(`keycloak dist: unexpected .sha1 content for ${version}`);
  return sha1;
}

/** Streams the tarball to `file`, hashing on the way; returns the SHA-1 hex of what was written. */
async function download(version: string, file: string, log: (msg: string) => void): Promise<string> {
  const res = await fetch(artifactUrl(version));
  if (!res.ok || !res.body) throw new Error(`keycloak dist: GET ${artifactUrl(version)} answered ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const hash = createHash('sha1');
  let seen = 0;
  let nextReport = 0.25;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      seen += chunk.length;
      if (total > 0 && seen / total >= nextReport) {
        log(`keycloak dist: ${Math.round((100 * seen) / total)}% of ${(total / 2 ** 20).toFixed(0)} MiB`);
        nextReport += 0.25;
      }
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(file));
  return hash.digest('hex');
}

/**
 * Returns the Keycloak home directory (with bin/kc.sh) for `version`, downloading and
 * unpacking it on first use. The unpacked copy is moved into place only when complete.
 */
export async function ensureKeycloakDist(version: string, log: (msg: string) => void): Promise<string> {
  const home = join(CACHE_DIR, `keycloak-${version}`);
  if (existsSync(join(home, 'bin', 'kc.sh')) && existsSync(join(home, 'lib', 'quarkus-run.jar'))) return home;

  await mkdir(CACHE_DIR, { recursive: true });
  const tarball = join(CACHE_DIR, `keycloak-quarkus-dist-${version}.tar.gz`);
  const want = await expectedSha1(version);
  const have = existsSync(tarball) ? await sha1OfFile(tarball) : '';
  if (have !== want) {
    log(`keycloak dist: downloading ${artifactUrl(version)}`);
    const part = `${tarball}.part`;
    const got = await download(version, part, log);
    if (got !== want) {
      await rm(part, { force: true });
      throw new Error(`keycloak dist: SHA-1 mismatch for ${version}: got ${got}, Maven Central says ${want}`);
    }
    await rename(part, tarball);
  }
  log(`keycloak dist: SHA-1 ${want} verified, unpacking`);

  const staging = await mkdtemp(join(CACHE_DIR, 'unpack-'));
  try {
    await run('tar', ['-xzf', tarball, '-C', staging]);
    const [top] = await readdir(staging);
    if (!top || !existsSync(join(staging, top, 'bin', 'kc.sh'))) throw new Error('keycloak dist: tarball has no bin/kc.sh');
    await rm(home, { recursive: true, force: true });
    await rename(join(staging, top), home);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return home;
}

async function sha1OfFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
