// The embedded FerretDB's build as `npm ci` runs it (package.json's postinstall, issue 23): in a copy of the builder
// and tools/ferretdb it really builds with the machine's Go, shows its progress, makes a launcher that runs, and a
// second run finds it; with MONGODB_URI set it builds nothing and the install goes on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('the embedded FerretDB is built by npm ci, with progress (issue 23)', () => {
  let copy: string;
  const binary = () => path.join(copy, '.cache', 'ferretdb', 'ferretdb');
  const postinstall = (env: NodeJS.ProcessEnv = {}) => {
    const { MONGODB_URI: _m, ...rest } = process.env;
    const run = spawnSync(TSX, [path.join(copy, 'src/db/build-ferretdb.ts'), '--postinstall'], {
      env: { ...rest, ...env },
      encoding: 'utf8',
    });
    return { status: run.status, out: `${run.stdout}${run.stderr}` };
  };

  before(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'ferretdb-build-'));
    await mkdir(path.join(copy, 'src/db'), { recursive: true });
    await writeFile(path.join(copy, 'package.json'), '{ "type": "module" }\n');
    // the builder and the one module it imports (the Dockerfile's build stage copies the same two before npm ci)
    await cp(path.join(ROOT, 'src/root.ts'), path.join(copy, 'src/root.ts'));
    await cp(path.join(ROOT, 'src/db/build-ferretdb.ts'), path.join(copy, 'src/db/build-ferretdb.ts'));
    await cp(path.join(ROOT, 'tools/ferretdb'), path.join(copy, 'tools/ferretdb'), { recursive: true });
  });

  after(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it("package.json's postinstall runs the builder, so npm ci (which runs the project's own scripts) builds it", async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.postinstall, 'tsx src/db/build-ferretdb.ts --postinstall');
  });

  it('with MONGODB_URI set it builds nothing, says why, and the install goes on', () => {
    const run = postinstall({ MONGODB_URI: 'mongodb://127.0.0.1:1/x' });
    assert.equal(run.status, 0);
    assert.match(run.out, /MONGODB_URI is set, so the embedded FerretDB is not built/);
    assert.equal(existsSync(binary()), false);
  });

  it('builds the launcher, telling which phase it is in and how far, and the launcher runs', () => {
    const run = postinstall();
    assert.equal(run.status, 0, run.out);
    assert.match(run.out, /ferretdb: building \.cache\/ferretdb\/ferretdb with .*go, once/);
    assert.match(run.out, /ferretdb: downloading Go modules \d+, \d+ s/);
    assert.match(run.out, /ferretdb: compiling Go packages \d+\/(5\d\d), \d+ s/);
    assert.match(run.out, /ferretdb: built in \d+ s/);
    const launcher = spawnSync(binary(), ['-postgresql-url', 'not a url'], { encoding: 'utf8' });
    assert.equal(launcher.status, 1);
    assert.match(launcher.stderr, /-postgresql-url must be a postgres:\/\/ URL/);
  });

  it('a second run finds the launcher and builds nothing', () => {
    const run = postinstall();
    assert.equal(run.status, 0, run.out);
    assert.doesNotMatch(run.out, /building|compiling/);
    assert.equal(run.out.trim(), binary());
  });
});
