// Tests for the Pwned Passwords range check against a local fake range API (S2, B7; checklist 14-17, 20).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBreachChecker, type BreachCheckerOptions } from '../../src/services/breach/index.js';
import { startFakeHibp } from '../helpers/fake-hibp.js';

const UA = 'mfa-idp-tests/0.1 (breach check)';
const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();

function options(url: string, extra: Partial<BreachCheckerOptions> = {}): BreachCheckerOptions {
  return { baseUrl: url, userAgent: UA, timeoutMs: 2000, cacheSize: 100, cacheTtlMs: 60_000, ...extra };
}

test('a breached password reports its count (S2)', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 52_000 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 52_000 });
});

test('a password absent from the range is not breached (checklist 15)', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 52_000 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  assert.deepEqual(await checker.check('tulip garden by the canal 42'), { status: 'ok' });
});

test('count-0 padding lines are ignored, even for the exact suffix (checklist 16)', async (t) => {
  const hibp = await startFakeHibp({ 'only-padding-here': 0 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  assert.deepEqual(await checker.check('only-padding-here'), { status: 'ok' });
});

test('suffixes match case-insensitively (checklist 15)', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 7 }, { lowercase: true });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 7 });
});

test('only the 5-character prefix is sent, with Add-Padding and the User-Agent (checklist 14, 16, 17)', async (t) => {
  const hibp = await startFakeHibp({});
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  const pw = 'correct horse battery staple';
  await checker.check(pw);
  assert.equal(hibp.requests.length, 1);
  const url = new URL(hibp.requests[0]!, hibp.url);
  assert.equal(url.pathname, `/range/${sha1(pw).slice(0, 5)}`);
  assert.ok(!hibp.requests[0]!.toUpperCase().includes(sha1(pw).slice(5, 12)), 'no part of the suffix leaves');
  assert.ok(!hibp.requests[0]!.includes('horse'));
  assert.equal(hibp.headers[0]!['add-padding'], 'true');
  assert.equal(hibp.headers[0]!['user-agent'], UA);
});

test('API answering 503 gives "unavailable", and failures are not cached (checklist 9, 20; B7)', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 3 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  hibp.setDown(true);
  const down = await checker.check('P@ssw0rd');
  assert.equal(down.status, 'unavailable');
  hibp.setDown(false);
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 3 });
  assert.equal(hibp.requests.length, 2);
});

test('API that never answers gives "unavailable" after the timeout (B7)', async (t) => {
  const hibp = await startFakeHibp({});
  t.after(() => hibp.close());
  hibp.setDown('hang');
  const checker = createBreachChecker(options(hibp.url, { timeoutMs: 150 }));
  const result = await checker.check('P@ssw0rd');
  assert.equal(result.status, 'unavailable');
  assert.match(result.status === 'unavailable' ? result.error : '', /150 ms/);
  assert.equal(hibp.requests.length, 1);
});

test('unreachable API gives "unavailable" and never throws', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const checker = createBreachChecker(options(`http://127.0.0.1:${port}`));
  assert.equal((await checker.check('P@ssw0rd')).status, 'unavailable');
});

test('a 200 answer that is not range lines reads as "unavailable", not "ok"', async (t) => {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  const checker = createBreachChecker(options(`http://127.0.0.1:${port}`));
  const result = await checker.check('P@ssw0rd');
  assert.equal(result.status, 'unavailable');
  assert.ok(!(result.status === 'unavailable' && result.error.includes('P@ssw0rd')), 'no password in the error');
});

test('a cached range answers the second check without a request (B7)', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 5 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 5 });
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 5 });
  assert.equal(hibp.requests.length, 1);
});

test('concurrent checks of one prefix share a single request', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 5 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url));
  const results = await Promise.all([1, 2, 3].map(() => checker.check('P@ssw0rd')));
  assert.deepEqual(results, [1, 2, 3].map(() => ({ status: 'breached', count: 5 })));
  assert.equal(hibp.requests.length, 1);
});

test('cache entries expire after the TTL (injected clock)', async (t) => {
  const hibp = await startFakeHibp({});
  t.after(() => hibp.close());
  let now = Date.parse('2025-01-01T00:00:00Z');
  const checker = createBreachChecker(options(hibp.url, { cacheTtlMs: 60_000, clock: () => new Date(now) }));
  await checker.check('P@ssw0rd');
  now += 59_000;
  await checker.check('P@ssw0rd');
  assert.equal(hibp.requests.length, 1, 'still fresh');
  now += 2_000;
  await checker.check('P@ssw0rd');
  assert.equal(hibp.requests.length, 2, 'expired');
});

test('the cache is bounded: least recently used prefix is evicted', async (t) => {
  const hibp = await startFakeHibp({});
  t.after(() => hibp.close());
  const [a, b] = ['first password x', 'second password y'];
  assert.notEqual(sha1(a).slice(0, 5), sha1(b).slice(0, 5));
  const checker = createBreachChecker(options(hibp.url, { cacheSize: 1 }));
  await checker.check(a);
  await checker.check(b);
  await checker.check(a);
  assert.equal(hibp.requests.length, 3);
});

test('a User-Agent is required (checklist 17)', () => {
  assert.throws(() => createBreachChecker(options('http://127.0.0.1:1', { userAgent: ' ' })), /User-Agent/);
});
