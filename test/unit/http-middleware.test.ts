// HTTP plumbing: versioned assets and no-store (S15), security headers (checklist 83), error pages without stack traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { pino } from 'pino';
import { createAssets } from '../../src/http/assets.js';
import { httpShell } from '../../src/http/shell.js';
import { createRenderer } from '../../src/http/render.js';
import { CONTENT_SECURITY_POLICY, noStore, securityHeaders } from '../../src/http/security-headers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const assets = createAssets(root);
const renderer = createRenderer({ root, productName: 'POS Sign-in', assets });

async function serve(app: Koa, fn: (base: string) => Promise<void>): Promise<void> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('S15: assets are served under a content hash, cached immutably, stale or unknown names 404', async () => {
  const cssUrl = assets.url('app.css');
  assert.match(cssUrl, /^\/assets\/app\.[0-9a-f]{8}\.css$/);
  assert.match(assets.url('app.js'), /^\/assets\/app\.[0-9a-f]{8}\.js$/);
  assert.throws(() => assets.url('nope.css'), /Unknown asset/);
  const app = new Koa();
  app.use(assets.middleware);
  app.use((ctx) => {
    ctx.body = 'fallthrough';
  });
  await serve(app, async (base) => {
    const res = await fetch(base + cssUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(await res.text(), /--primary/);
    const js = await fetch(base + assets.url('app.js'));
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const stale = await fetch(`${base}/assets/app.00000000.css`);
    assert.equal(stale.status, 404);
    assert.equal(stale.headers.get('cache-control'), null);
    assert.equal((await fetch(`${base}/assets/..%2Fpackage.json`)).status, 404);
    assert.equal((await fetch(base + cssUrl, { method: 'POST' })).status, 405);
    assert.equal(await (await fetch(`${base}/other`)).text(), 'fallthrough');
  });
});

test('checklist 83: security headers on every response, HSTS only over https, downstream values kept', async () => {
  const app = new Koa({ proxy: true });
  app.use(securityHeaders());
  app.use((ctx) => {
    if (ctx.path === '/own') ctx.set('Content-Security-Policy', "default-src 'none'");
    ctx.body = 'ok';
  });
  await serve(app, async (base) => {
    const res = await fetch(`${base}/`);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /form-action/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(\)/);
    assert.equal(res.headers.get('strict-transport-security'), null);
    const https = await fetch(`${base}/`, { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.match(https.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    const own = await fetch(`${base}/own`);
    assert.equal(own.headers.get('content-security-policy'), "default-src 'none'");
  });
});

test('S15: noStore forbids caching even when a handler set something else', async () => {
  const app = new Koa();
  app.use(noStore());
  app.use((ctx) => {
    ctx.set('Cache-Control', 'public, max-age=600');
    ctx.body = 'page';
  });
  await serve(app, async (base) => {
    const res = await fetch(`${base}/`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
  });
});

function errorApp(logger: pino.Logger) {
  const app = new Koa();
  app.silent = true;
  // exactly the production layers and their order (createApp uses the same list)
  for (const layer of httpShell({ render: renderer, logger, assets })) app.use(layer);
  app.use((ctx) => {
    if (ctx.path === '/boom') {
      ctx.set('Content-Disposition', 'attachment; filename=codes.txt');
      throw new Error('database exploded at /secret/path.ts:12');
    }
    if (ctx.path === '/csrf') ctx.throw(403, 'errors.csrf');
    if (ctx.path === '/locked') throw Object.assign(new Error('locked'), { status: 429, expose: true, i18nKey: 'errors.locked', i18nVars: { minutes: 5 } });
    if (ctx.path === '/teapot') ctx.throw(418, 'I am a teapot with <html>');
    if (ctx.path === '/ok') ctx.body = 'ok';
  });
  return app;
}

test('5xx: logged, generic translated page, no stack or message, clean headers', async () => {
  const { logger, lines } = captureLogger();
  await serve(errorApp(logger), async (base) => {
    const res = await fetch(`${base}/boom`, { headers: { 'Accept-Language': 'nl' } });
    assert.equal(res.status, 500);
    const body = await res.text();
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(body, /<html lang="nl">/);
    assert.match(body, /Er is iets misgegaan\. Probeer het opnieuw\./);
    assert.doesNotMatch(body, /exploded|secret|at .*\.ts/);
    assert.equal(res.headers.get('content-disposition'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const logged = lines.find((l) => l.level === 50);
    assert.ok(logged, 'error logged');
    assert.match(JSON.stringify(logged.err), /database exploded/);
  });
});

test('4xx: translated message from the error key, locale from ui_locales, JSON when asked for', async () => {
  const { logger, lines } = captureLogger();
  await serve(errorApp(logger), async (base) => {
    const csrf = await fetch(`${base}/csrf?ui_locales=nl`);
    assert.equal(csrf.status, 403);
    assert.match(await csrf.text(), /Dit formulier is verlopen\. Probeer het opnieuw\./);

    const locked = await fetch(`${base}/locked`, { headers: { Accept: 'application/json' } });
    assert.equal(locked.status, 429);
    assert.deepEqual(await locked.json(), {
      error: 'too_many_requests',
      error_description: 'Too many attempts. Try again in 5 minutes.',
    });

    // an arbitrary client error message is not shown (it is neither translated nor safe)
    const teapot = await fetch(`${base}/teapot`);
    assert.equal(teapot.status, 418);
    const text = await teapot.text();
    assert.doesNotMatch(text, /teapot/);
    assert.match(text, /Something went wrong\. Please try again\./);

    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /We couldn&#x27;t find that page\./);

    const json500 = await fetch(`${base}/boom`, { headers: { Accept: 'application/json' } });
    assert.deepEqual(await json500.json(), { error: 'server_error', error_description: 'Something went wrong. Please try again.' });

    assert.equal(await (await fetch(`${base}/ok`)).text(), 'ok');
    assert.ok(lines.every((l) => !('stack' in l) || l.level === 50));
  });
});
