// Versioned static assets from public/ and vendored browser libraries (S15): /assets/<name>.<hash8>.<ext>, cached forever, stale names 404.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Koa from 'koa';

export const ASSET_PREFIX = '/assets/';

// Browser libraries served from our own origin like public/ (no CDN): name -> [package, file in it]
const VENDORED: Record<string, [string, string]> = {
  'webauthn.js': ['@simplewebauthn/browser', 'dist/bundle/index.umd.min.js'],
};

// Found where Node finds the package (wherever it is installed); its `exports` keep require.resolve from the file itself.
function packageFile(pkg: string, file: string): string {
  for (const dir of createRequire(import.meta.url).resolve.paths(pkg) ?? []) {
    const full = path.join(dir, pkg, file);
    if (existsSync(full)) return full;
  }
  throw new Error(`${pkg}/${file} not found: is ${pkg} installed?`);
}

export interface Assets {
  /** Versioned URL of a file in public/ ("app.css" -> "/assets/app.1a2b3c4d.css"); throws for unknown files. */
  url(name: string): string;
  middleware: Koa.Middleware;
}

interface Asset {
  body: Buffer;
  ext: string;
}

function versionedName(name: string, hash: string): string {
  const ext = path.posix.extname(name);
  return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

export function createAssets(root: string): Assets {
  const dir = path.join(root, 'public');
  const urls = new Map<string, string>();
  const files = new Map<string, Asset>(); // versioned path under /assets/ -> file

  const add = (name: string, body: Buffer) => {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
    const versioned = versionedName(name, hash);
    urls.set(name, ASSET_PREFIX + versioned);
    files.set(versioned, { body, ext: path.posix.extname(name) });
  };
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, entry);
    if (!statSync(full).isFile()) continue;
    const name = entry.split(path.sep).join('/');
    if (name.split('/').some((part) => part.startsWith('.'))) continue;
    add(name, readFileSync(full));
  }
  for (const [name, [pkg, file]] of Object.entries(VENDORED)) add(name, readFileSync(packageFile(pkg, file)));

  const middleware: Koa.Middleware = async (ctx, next) => {
    if (!ctx.path.startsWith(ASSET_PREFIX)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      return;
    }
    const file = files.get(ctx.path.slice(ASSET_PREFIX.length));
    if (!file) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'Not found';
      return;
    }
    ctx.status = 200;
    ctx.type = file.ext || 'application/octet-stream';
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.body = file.body;
  };

  return {
    url(name: string): string {
      const url = urls.get(name);
      if (!url) throw new Error(`Unknown asset: ${name}`);
      return url;
    },
    middleware,
  };
}
