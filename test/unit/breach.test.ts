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

// A range API that streams valid-looking range lines: up to `total` bytes (optionally declared up front), `chunk`
// bytes at a time, one every `everyMs` (0: as fast as the socket takes them). It records whether it sent all of it.
async function streamingRangeApi(opts: { total: number; chunk: number; everyMs: number; declareLength?: boolean }) {
  const line = `${'0'.repeat(34)}1:1\r\n`;
  const block = Buffer.from(line.repeat(Math.ceil(opts.chunk / line.length)));
  const seen = { sent: 0, finished: false, closedEarly: false };
  let closed!: () => void;
  const socketClosed = new Promise<void>((r) => {
    closed = r;
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', ...(opts.declareLength ? { 'content-length': String(opts.total) } : {}) });
    let open = true;
    res.on('close', () => {
      open = false;
      seen.closedEarly = !seen.finished;
      closed();
    });
    const pump = async () => {
      while (open && seen.sent < opts.total) {
        const piece = block.subarray(0, Math.min(block.length, opts.total - seen.sent));
        seen.sent += piece.length;
        if (!res.write(piece)) {
          await new Promise((r) => {
            res.once('drain', r);
            res.once('close', r);
          });
        }
        if (opts.everyMs) await new Promise((r) => setTimeout(r, opts.everyMs));
      }
      if (open) {
        seen.finished = true;
        res.end();
      }
    };
    void pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    socketClosed,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

test('a huge range answer is "unavailable", and its body is not read to the end (B7; checklist 9, 20)', async (t) => {
  // 64 MB of well-formed range lines, sent as fast as they are taken; the budget is generous, so only the cap decides
  const api = await streamingRangeApi({ total: 64 * 1024 * 1024, chunk: 64 * 1024, everyMs: 0 });
  t.after(() => api.close());
  const checker = createBreachChecker(options(api.url, { timeoutMs: 60_000 }));
  const result = await checker.check('P@ssw0rd');
  assert.equal(result.status, 'unavailable');
  assert.match(result.status === 'unavailable' ? result.error : '', /larger than 524288 bytes/);
  await api.socketClosed;
  assert.equal(api.seen.closedEarly, true, 'the connection was dropped before the server finished sending');
  assert.ok(api.seen.sent < 64 * 1024 * 1024);
});

test('a range answer declaring a huge Content-Length is "unavailable" without reading it (B7; checklist 9, 20)', async (t) => {
  const api = await streamingRangeApi({ total: 64 * 1024 * 1024, chunk: 64 * 1024, everyMs: 0, declareLength: true });
  t.after(() => api.close());
  const checker = createBreachChecker(options(api.url, { timeoutMs: 60_000 }));
  assert.equal((await checker.check('P@ssw0rd')).status, 'unavailable');
  await api.socketClosed;
  assert.equal(api.seen.closedEarly, true);
});

test('a body that trickles past the time budget is "unavailable", and its reading is aborted (B7; checklist 9)', async (t) => {
  // headers and a first chunk at once, then one small chunk every 50 ms: far more than the budget allows
  const api = await streamingRangeApi({ total: 1024 * 1024, chunk: 400, everyMs: 50 });
  t.after(() => api.close());
  const checker = createBreachChecker(options(api.url, { timeoutMs: 300 }));
  const result = await checker.check('P@ssw0rd');
  assert.equal(result.status, 'unavailable');
  assert.match(result.status === 'unavailable' ? result.error : '', /300 ms/);
  await api.socketClosed;
  assert.equal(api.seen.closedEarly, true, 'the connection was dropped before the server finished sending');
});

test('a normal padded answer is read and used, also under a smaller cap', async (t) => {
  const hibp = await startFakeHibp({ 'P@ssw0rd': 9 });
  t.after(() => hibp.close());
  // a real padded answer (800-1,000 lines) is about 40 KiB: far below a 64 KiB cap
  const checker = createBreachChecker(options(hibp.url, { maxBodyBytes: 64 * 1024 }));
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 9 });
});

test('a non-200 answer with a long body is "unavailable", and that body is not read to the end (B7)', async (t) => {
  let closedEarly = false;
  const server = createServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    const timer = setInterval(() => res.write('<p>bad gateway</p>'.repeat(100)), 5);
    res.on('close', () => {
      clearInterval(timer);
      closedEarly = true;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  const { port } = server.address() as AddressInfo;
  const result = await createBreachChecker(options(`http://127.0.0.1:${port}`, { timeoutMs: 60_000 })).check('P@ssw0rd');
  assert.equal(result.status, 'unavailable');
  await new Promise<void>((r) => setImmediate(r));
  for (let i = 0; i < 100 && !closedEarly; i++) await new Promise<void>((r) => setImmediate(r));
  assert.equal(closedEarly, true, 'the connection was let go although the server kept sending');
});

test('the size cap is the range API\'s only: other requests of the process read long answers whole', async (t) => {
  const big = 'x'.repeat(2 * 1024 * 1024);
  const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(big));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => other.close(() => r())));
  const hibp = await startFakeHibp({ 'P@ssw0rd': 2 });
  t.after(() => hibp.close());
  const checker = createBreachChecker(options(hibp.url, { maxBodyBytes: 64 * 1024 }));
  assert.deepEqual(await checker.check('P@ssw0rd'), { status: 'breached', count: 2 });
  const { port } = other.address() as AddressInfo;
  assert.equal((await (await fetch(`http://127.0.0.1:${port}/`)).text()).length, big.length);
});
