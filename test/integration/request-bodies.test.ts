// A body whose Content-Encoding lies (says gzip, deflate or br but is not) is the caller's mistake: 400 on every route
// of the provider and of the demo POS, whatever the media type, and never a 500 (issue 25: an unauthenticated 500 at
// POST /admin/api/users with JSON).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type Koa from 'koa';
import type Router from '@koa/router';
import pino from 'pino';
import { startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import { startDemoPos } from '../../src/demo/pos.js';

const NOT_CODED = Buffer.from('{"username":"x","store":"deli","csrf":"x"} this was never compressed');
const MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream'];
const CODINGS = ['gzip', 'deflate', 'br'];

// every route of every router the app uses, with made-up values for its parameters
function routesOf(app: Koa): Array<{ path: string; methods: string[] }> {
  const routers = app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => Boolean(r));
  return routers.flatMap((r) => r.stack.map((layer) => ({ path: String(layer.path).replace(/:(\w+)/g, 'x-$1'), methods: layer.methods.filter((m) => m !== 'HEAD') })));
}

describe('request bodies in a content coding that is not what they say (issue 25)', () => {
  let stack: Stack;
  let demo: Awaited<ReturnType<typeof startDemoPos>>;
  let demoUrl: string;

  before(async () => {
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stack = await startStack({ DEMO_URL: demoUrl });
    await stack.createStore('deli');
    demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await demo?.close();
    await stack?.close();
  });

  // node:http, not fetch: a GET may carry a body too
  const send = (url: string, method: string, type: string, coding: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method, headers: { 'content-type': type, 'content-encoding': coding, 'content-length': NOT_CODED.length, accept: 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(NOT_CODED);
    });

  it('POST /admin/api/users with JSON and a broken gzip body answers 400 JSON, not 500', async () => {
    const res = await send(`${stack.issuer}/admin/api/users`, 'POST', 'application/json', 'gzip');
    assert.equal(res.status, 400);
    const body = JSON.parse(res.body) as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_request');
    assert.ok(body.error_description.length > 0);
  });

  it('every POST route of the provider answers 400, for every media type and coding', async () => {
    const discovery = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const endpoints = ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'userinfo_endpoint', 'pushed_authorization_request_endpoint', 'end_session_endpoint']
      .map((k) => discovery[k])
      .filter((u): u is string => Boolean(u))
      .map((u) => new URL(u).pathname);
    const ours = routesOf(stack.app)
      .filter((r) => r.methods.includes('POST'))
      .map((r) => r.path);
    assert.ok(ours.length >= 40, `the routers list our POST routes (${ours.length})`);
    const wrong: string[] = [];
    for (const path of [...new Set([...ours, ...endpoints])]) {
      for (const type of MEDIA_TYPES) {
        for (const coding of CODINGS) {
          const res = await send(`${stack.issuer}${path}`, 'POST', type, coding);
          if (res.status !== 400) wrong.push(`${path} ${type} ${coding}: ${res.status}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('no route answers 500 to a coded body, whatever its method', async () => {
    const failed: string[] = [];
    for (const { path, methods } of routesOf(stack.app)) {
      for (const method of methods) {
        const res = await send(`${stack.issuer}${path}`, method, 'application/json', 'gzip');
        if (res.status >= 500) failed.push(`${method} ${path}: ${res.status}`);
      }
    }
    assert.deepEqual(failed, []);
  });

  it("the demo POS's refund API answers 400 too", async () => {
    for (const coding of CODINGS) {
      const res = await send(`${demoUrl}/api/refunds`, 'POST', 'application/json', coding);
      assert.equal(res.status, 400, coding);
    }
  });
});
