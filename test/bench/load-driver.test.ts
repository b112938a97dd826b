// The benchmark cannot break silently (issue 22): the load driver's browser-style sign-in (authorize -> store ->
// password -> TOTP -> code -> token) and one refresh run against the shipped provider, started as `npm run bench`
// starts it (its own process, the embedded database, seeded users), and the database commands it counts are real.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type OurTarget, startOurTarget } from '../../bench/ours/target.js';
import { ourForms } from '../../bench/ours/forms.js';
import { parseForms } from '../../bench/lib/html.js';
import { createTotpSource } from '../../bench/lib/totp.js';

describe('the load driver against the shipped provider (issue 22)', () => {
  let target: OurTarget;
  before(async () => {
    target = await startOurTarget({ users: 2, log: () => {} });
  });
  after(() => target?.stop());

  it('one real sign-in with a TOTP code, then one refresh with rotation, each counted in database commands', async () => {
    const user = target.users[0];
    assert.ok(user);
    const start = await target.dbCommands?.();
    const { refreshToken } = await target.signIn(user);
    assert.match(refreshToken, /\S{20,}/);
    const signedIn = await target.dbCommands?.();
    const rotated = await target.refresh(refreshToken);
    assert.match(rotated, /\S{20,}/);
    assert.notEqual(rotated, refreshToken, 'the refresh token rotates');
    const refreshed = await target.dbCommands?.();
    assert.ok(start !== undefined && signedIn !== undefined && refreshed !== undefined, 'the provider reports its database commands');
    assert.ok(signedIn > start && refreshed > signedIn, `commands: ${start} -> ${signedIn} -> ${refreshed}`);
    // the used refresh token is refused: the driver's refresh fails loudly rather than counting a refusal as done
    await assert.rejects(target.refresh(refreshToken));
  });

  it('a refused code fails the sign-in at once, naming the page, instead of wandering into another form', async () => {
    const user = target.users[1];
    assert.ok(user);
    const wrong = { ...user, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
    await assert.rejects(target.signIn(wrong), (err: Error) => /HTTP 400 page/.test(err.message) && /\[code\]/.test(err.message));
  });

  it('the TOTP code never goes to the recovery-code form (the bench:keycloak runs of issue 22)', () => {
    const { skipForm } = ourForms(createTotpSource());
    const [recovery, totp] = parseForms(
      '<form method="post" action="/interaction/u1/recovery"><input name="code"></form><form method="post" action="/interaction/u1/totp-verify"><input name="code"></form>',
    );
    assert.ok(recovery && totp);
    assert.equal(skipForm?.(recovery), true);
    assert.equal(skipForm?.(totp), false);
  });
});
