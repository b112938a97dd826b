// Error pages of the real app carry the browser hardening headers too (checklist 83): 404, expired interaction,
// invalid verify-email link and a forced 500, all through createApp as it ships.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../helpers/agent.js';
import { beginSignIn, startStack, submit, type Stack } from '../helpers/stack.js';
import { CONTENT_SECURITY_POLICY } from '../../src/http/security-headers.js';

function assertHardened(res: { status: number; headers: Headers }, what: string) {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.equal(csp, CONTENT_SECURITY_POLICY, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
}

describe('security headers on error pages of the shipped app (checklist 83)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await stack.createStore('corner');
  });
  after(() => stack.close());

  it('checklist 83: a 404 page', async () => {
    const res = await fetch(`${stack.issuer}/no/such/page`);
    assert.equal(res.status, 404);
    assertHardened(res, '404');
  });

  it('checklist 83: an expired or unknown interaction', async () => {
    const res = await fetch(`${stack.issuer}/interaction/expired-uid-123`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /sign-in/i);
    assertHardened(res, 'expired interaction');
  });

  it('checklist 83: an invalid verify-email link', async () => {
    const res = await fetch(`${stack.issuer}/account/verify-email?token=not-a-token`);
    assert.equal(res.status, 400);
    assertHardened(res, 'invalid verify-email link');
  });

  it('checklist 83: a forced 500 (a service that throws) is a generic page with the headers', async () => {
    const agent = new Agent();
    const flow = await beginSignIn(stack, agent);
    const original = stack.services.users.storeByPrefix;
    stack.services.users.storeByPrefix = async () => {
      throw new Error('injected failure');
    };
    try {
      const res = await agent.request(new URL(/action="([^"]+)"/.exec(flow.page.body)?.[1] ?? '', flow.page.url).href, {
        method: 'POST',
        form: { store: 'corner', csrf: /name="csrf" value="([^"]+)"/.exec(flow.page.body)?.[1] ?? '' },
      });
      assert.equal(res.status, 500);
      assert.doesNotMatch(res.body, /injected failure/);
      assertHardened(res, '500');
    } finally {
      stack.services.users.storeByPrefix = original;
    }
    // the flow goes on once the fault is gone
    const again = await submit(agent, flow.page, { store: 'corner' });
    assert.match(again.body, /name="password"/);
  });
});
