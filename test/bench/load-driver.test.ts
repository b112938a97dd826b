// The benchmark cannot break silently (issue 22): the load driver's browser-style sign-in (authorize -> store ->
// password -> TOTP -> code -> token) and one refresh run against the shipped provider, started as `npm run bench`
// starts it (its own process, the embedded database, seeded users), and the database commands it counts are real.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type OurTarget, startOurTarget } from '../../bench/ours/target.js';

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
});
