// The one binding rule (DESIGN "Binding a factor"; B17; checklist 38, 39, 58, 62): every path that binds a factor, every
// user state and every store policy, against the proof the rule asks for. Paths differ only in what they have proved.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS_SETTLE_DAYS, bindingRequirement, createBinding, takeGrant, type BindingEvidence, type BindingUser } from '../../src/services/binding/index.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

// what each path has proved when it asks (the password is asked again by every path before it binds)
const PATHS: Record<string, BindingEvidence> = {
  'sign-in wizard after the password': { factorProved: false, passwordProved: true },
  'sign-in after a recovery code': { factorProved: true, passwordProved: true },
  'roll-out prompt "Set up now"': { factorProved: false, passwordProved: true },
  'Security & ID set-up, password-only session': { factorProved: false, passwordProved: true },
  'Security & ID reset, password-only session': { factorProved: false, passwordProved: true },
  'Security & ID add a passkey, MFA session': { factorProved: true, passwordProved: true },
  'any path with a pass redeemed': { factorProved: false, proof: 'pass', passwordProved: true },
  'any path with the emailed link opened': { factorProved: false, proof: 'email', passwordProved: true },
};

const base: BindingUser = { role: 'cashier', mfaEnabled: false, mustEnrol: false, email: 'c@x.test', emailVerified: false, emailChangedAt: null };
const USERS: Record<string, BindingUser> = {
  'cashier without MFA': base,
  'owner without MFA': { ...base, role: 'owner' },
  'cashier with a verified address': { ...base, emailVerified: true },
  'cashier who changed the address 2 days ago': { ...base, emailVerified: true, emailChangedAt: daysAgo(2) },
  [`cashier who changed the address ${ADDRESS_SETTLE_DAYS} days ago`]: { ...base, emailVerified: true, emailChangedAt: daysAgo(ADDRESS_SETTLE_DAYS) },
  'user with MFA': { ...base, mfaEnabled: true },
  'user reset by an admin': { ...base, mustEnrol: true },
  'user after a recovery code': { ...base, mfaEnabled: true, mustEnrol: true },
};

const POLICIES = {
  default: { passwordEnrolmentUntil: null },
  'password allowed until tomorrow': { passwordEnrolmentUntil: new Date(NOW.getTime() + DAY) },
  'password allowed until yesterday': { passwordEnrolmentUntil: daysAgo(1) },
};

// the expected answer, as words: "ready:<via>" or "proof:<options>"
function expected(path: string, user: string, policy: string): string {
  const e = PATHS[path];
  const u = USERS[user];
  if (e.factorProved && u.mfaEnabled) return 'ready:factor';
  if (e.proof) return `ready:${e.proof}`;
  if (policy === 'password allowed until tomorrow' && !u.mfaEnabled && !u.mustEnrol) return 'ready:password';
  if (u.mfaEnabled) return 'proof:';
  const usable = u.emailVerified && (!u.emailChangedAt || NOW.getTime() - u.emailChangedAt.getTime() >= ADDRESS_SETTLE_DAYS * DAY);
  return usable ? 'proof:pass,email' : 'proof:pass';
}

describe('binding rule: path × user state × policy → required proof (B17; checklist 38, 39, 58, 62)', () => {
  for (const path of Object.keys(PATHS)) {
    it(`${path}`, () => {
      const rows: string[] = [];
      for (const [userName, user] of Object.entries(USERS)) {
        for (const [policyName, policy] of Object.entries(POLICIES)) {
          const need = bindingRequirement(user, policy, PATHS[path], NOW);
          const got = need.kind === 'ready' ? `ready:${need.via}` : `proof:${need.options.join(',')}`;
          const want = expected(path, userName, policyName);
          if (got !== want) rows.push(`${userName} / ${policyName}: got ${got}, want ${want}`);
        }
      }
      assert.deepEqual(rows, []);
    });
  }

  it('by default a password alone binds a first factor for no role (B17)', () => {
    for (const role of ['owner', 'admin', 'manager', 'cashier'] as const) {
      const need = bindingRequirement({ ...base, role }, POLICIES.default, PATHS['sign-in wizard after the password'], NOW);
      assert.equal(need.kind, 'proof', role);
    }
  });

  it('every binding asks for the password again, whatever else was proved (checklist 39, 58)', () => {
    const need = bindingRequirement({ ...base, mfaEnabled: true }, POLICIES.default, { factorProved: true, passwordProved: false }, NOW);
    assert.equal(need.kind === 'ready' && need.passwordNeeded, true);
  });
});

describe('binding grants: minted only by the rule, used once, for one user', () => {
  const binding = createBinding({
    passes: { create: async () => ({ id: 'p', pass: 'P', expiresAt: NOW }), redeem: async () => true },
    throttle: { attempt: async () => ({ kind: 'ok' }), simply: () => async () => 'ok' },
    clock: () => NOW,
  });
  const user = { ...base, id: 'u1' };

  it('no grant without the proof or without the password', () => {
    assert.deepEqual(binding.authorize(user, POLICIES.default, { factorProved: false, passwordProved: true }), { ok: false, missing: 'proof' });
    assert.deepEqual(binding.authorize(user, POLICIES.default, { factorProved: false, proof: 'pass', passwordProved: false }), { ok: false, missing: 'password' });
  });

  it('a grant works once and only for its user; a look-alike object is no grant', () => {
    const allowed = binding.authorize(user, POLICIES.default, { factorProved: false, proof: 'pass', passwordProved: true });
    assert.ok(allowed.ok);
    assert.equal(takeGrant(allowed.grant, 'u2'), false, 'another user');
    assert.equal(takeGrant(allowed.grant, 'u1'), true);
    assert.equal(takeGrant(allowed.grant, 'u1'), false, 'used up');
    assert.equal(takeGrant({ userId: 'u1', via: 'pass', kind: 'first' }, 'u1'), false, 'forged');
  });
});
