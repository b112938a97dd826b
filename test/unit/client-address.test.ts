// Who the client is behind trusted proxies (issue 10): X-Forwarded-For read from the right, never its leftmost value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, parseTrustProxy } from '../../src/http/client-address.js';

test('TRUST_PROXY takes false, true (one hop), a number of hops, or a list of proxy addresses', () => {
  assert.deepEqual(parseTrustProxy(undefined), { hops: 0 });
  assert.deepEqual(parseTrustProxy('false'), { hops: 0 });
  assert.deepEqual(parseTrustProxy('true'), { hops: 1 });
  assert.deepEqual(parseTrustProxy('2'), { hops: 2 });
  assert.deepEqual(parseTrustProxy('10.0.0.1, 10.0.0.2'), { addresses: ['10.0.0.1', '10.0.0.2'] });
  assert.throws(() => parseTrustProxy('proxy.example'), /neither a number of hops nor an IP address/);
});

test('hops: the client is that many entries from the right; a forged leftmost value never wins', () => {
  assert.equal(clientAddress('10.0.0.9', undefined, { hops: 1 }), '10.0.0.9');
  assert.equal(clientAddress('10.0.0.9', '6.6.6.6, 203.0.113.5', { hops: 1 }), '203.0.113.5');
  assert.equal(clientAddress('10.0.0.9', '6.6.6.6, 203.0.113.5, 10.0.0.8', { hops: 2 }), '203.0.113.5');
  assert.equal(clientAddress('::ffff:10.0.0.9', '6.6.6.6', { hops: 0 }), '10.0.0.9', 'no trust: the socket');
});

test('addresses: trusted proxies are skipped from the right; a request not from a trusted proxy is taken at its word', () => {
  const trusted = { addresses: ['10.0.0.1', '10.0.0.2'] };
  assert.equal(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.5, 10.0.0.2', trusted), '203.0.113.5');
  assert.equal(clientAddress('198.51.100.7', '6.6.6.6', trusted), '198.51.100.7', 'not from our proxy: its header means nothing');
});
