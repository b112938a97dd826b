// npm run build: dist/ is the app as it ships. The compiled JavaScript (with source maps) of src/, factors/ and
// interactions/, next to every file they read at run time in the repository's layout (src/root.ts finds them alike),
// and package.json with its lock for `npm ci --omit=dev` in dist/.
import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT as root } from '../src/root.js';

const dist = path.join(root, 'dist');
const CODE = ['src', 'factors', 'interactions'];
const READ_AT_RUN_TIME = ['templates', 'locales', 'public', 'config', 'package-lock.json'];

await rm(dist, { recursive: true, force: true });
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
// files beside the code that it reads itself (e.g. src/services/passwords/common-passwords.txt)
for (const dir of CODE) await cp(path.join(root, dir), path.join(dist, dir), { recursive: true, filter: (from) => !from.endsWith('.ts') });
for (const entry of READ_AT_RUN_TIME) await cp(path.join(root, entry), path.join(dist, entry), { recursive: true });
// the repository's scripts are for development (its postinstall builds FerretDB with tsx, which production lacks)
const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
manifest.scripts = { start: 'node --enable-source-maps src/main.js' };
await writeFile(path.join(dist, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`built ${path.relative(process.cwd(), dist) || '.'}: NODE_ENV=production node --enable-source-maps src/main.js there, after npm ci --omit=dev`);
