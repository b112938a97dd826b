// The shipped TOTP service with a fixed clock (checklist 29): time steps are 64-bit, so far-future times keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTotp, createTotpVerifier } from '../../src/services/totp/index.js';

// RFC 6238 Appendix B: the ASCII seed "12345678901234567890", in Base32
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('checklist 29: at t=20000000000 (T=0x27BC86AA) the code is the RFC\'s 65353130 (its last six digits), and the verifier takes it then', async () => {
  const at = (seconds: number) => new Date(seconds * 1000);
  const totp = createTotp({ clock: () => at(20000000000), issuer: 'test' });
  assert.equal(totp.matchStep(RFC_SECRET, '353130'), 0x27bc86aa);
  assert.equal(totp.currentCode(RFC_SECRET), '353130');
  // the table's other SHA1 rows, six digits each
  for (const [t, code] of [[59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037']] as const) {
    assert.equal(totp.currentCode(RFC_SECRET, at(t)), code, `t=${t}`);
  }
  const markers: string[] = [];
  const verdict = await createTotpVerifier({ totp }).verify('u1', RFC_SECRET, '353130', async (ms = []) => {
    markers.push(...ms.map((m) => m.key));
    return 1 + ms.length;
  });
  assert.equal(verdict, 'ok');
  assert.ok(markers.some((k) => k.endsWith(String(0x27bc86aa))), `the step's marker names T: ${markers.join(', ')}`);
});
