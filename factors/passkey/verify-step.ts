// Step "passkey-verify": "Use your passkey" after the password (WebAuthn get), offered before the app and the codes.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { advance, defineStep, need, rerender, secondFactorFailed, subjectOf, throttled } from '../../src/flow/step.js';
import { CHALLENGE_TTL_MS } from './challenge.js';
import type { PasskeyRefusal } from './service.js';

// refusals that say nothing about who is at the keyboard: an expired or reused page, a broken post
const HARMLESS = new Set<PasskeyRefusal>(['challenge', 'malformed']);

export const passkeyVerifyStep = defineStep({
  id: 'passkey-verify',
  // its turn is decided by the factor list (factors/index.ts)
  applies: () => true,
  async render(state, _facts, services) {
    const options = await services.factors.passkey.authenticationOptions(need(state.userId, 'state.userId'), state.uid);
    return { template: 'passkey-verify', view: { optionsJson: JSON.stringify(options), scripts: ['webauthn.js', 'passkey.js'] } };
  },
  input: z.object({ credential: z.string().min(1).max(8_000) }),
  async submit(input, state, facts, services, req) {
    const user = need(facts.user, 'facts.user');
    let result: Awaited<ReturnType<typeof services.factors.passkey.authenticate>> | undefined;
    const outcome = await services.throttle.attempt(
      subjectOf(state, facts, services, user),
      { ip: req.ip, factor: 'passkey' },
      // the attempt's slot and the challenge are claimed in one command: a replayed assertion fails (checklist 37)
      async (claim) => {
        let claimed: number | undefined;
        result = await services.factors.passkey.authenticate(user.id, input.credential, state.uid, async (challenge) => {
          const key = `webauthn:${createHash('sha256').update(challenge).digest('base64url')}`;
          claimed = await claim([{ key, expiresAt: new Date(services.clock().getTime() + 2 * CHALLENGE_TTL_MS) }]);
          return claimed === 2;
        });
        // a post refused before its challenge was read still takes the attempt's slot
        claimed ??= await claim();
        if (claimed === 0) return 'busy';
        return result.ok ? 'ok' : 'failed';
      },
      { clearOnSuccess: true },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    if (!result?.ok) {
      const reason = result?.reason ?? 'not_verified';
      const audit = { kind: 'audit' as const, type: 'signin.passkey_failed', details: { reason } };
      const error = reason === 'counter' ? 'passkey_cloned' : 'passkey_failed';
      return rerender(error, HARMLESS.has(reason) ? { effects: [audit] } : secondFactorFailed(state, audit));
    }
    return advance({ secondFactor: 'passkey', secondFactorSeen: result.seen, factor: undefined });
  },
  routes: [{ path: 'use-passkey', run: () => ({ kind: 'patch', patch: { factor: 'passkey' } }) }],
});
