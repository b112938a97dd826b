// A refresh that read its token (and the grant's snapshot it carries) before a revocation and writes after it must not
// carry the grant onward: the revocation claims the used tokens' consume-once markers before deleting, so the late
// refresh loses its claim and revokes the tokens it just wrote (review finding on issue 22; checklist 80, RFC 9700
// §4.14.2). The interleaving is forced: the refresh waits between its read and its write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../helpers/stack.js';
import { mongoAdapterFactory, revokeEverythingOf } from '../../src/provider/mongo-adapter.js';
import { requestScope } from '../../src/models/stores/request-scope.js';

const ACCOUNT = '6b0000000000000000000001';

describe('a refresh in flight across a revocation (issue 22 review finding)', () => {
  let stack: Stack;
  let Adapter: ReturnType<typeof mongoAdapterFactory>;
  let n = 0;

  before(async () => {
    stack = await startStack();
    Adapter = mongoAdapterFactory(stack.services.payloads);
  });
  after(() => stack.close());

  // a grant with one refresh token, as a code exchange leaves them
  async function grantWithToken() {
    const grantId = `grant-${++n}`;
    const old = `rt-${n}`;
    await requestScope.run(async () => {
      await new Adapter('Grant').upsert(grantId, { accountId: ACCOUNT, clientId: 'demo-pos', jti: grantId }, 3600);
      await new Adapter('RefreshToken').upsert(old, { accountId: ACCOUNT, grantId, clientId: 'demo-pos', jti: old }, 3600);
      await stack.services.payloads.flush();
    });
    return { grantId, old };
  }

  // what oidc-provider's refresh does with the adapter: read the token, write the rotated ones, use the old one up;
  // `meanwhile` runs between the read and the write, as another request
  async function refreshAcross(grantId: string, old: string, meanwhile: () => Promise<unknown>) {
    const fresh = { at: `at-${n}`, rt: `rt-${n}-next` };
    const outcome = await requestScope.run(async () => {
      assert.ok(await new Adapter('RefreshToken').find(old), 'the refresh read its token');
      const another = async () => {
        await meanwhile();
        await stack.services.payloads.flush();
      };
      await new Promise<void>((resolve, reject) => setImmediate(() => requestScope.run(another).then(resolve, reject)));
      await new Adapter('AccessToken').upsert(fresh.at, { accountId: ACCOUNT, grantId, clientId: 'demo-pos', jti: fresh.at }, 600);
      await new Adapter('RefreshToken').upsert(fresh.rt, { accountId: ACCOUNT, grantId, clientId: 'demo-pos', jti: fresh.rt }, 3600);
      try {
        await new Adapter('RefreshToken').consume(old);
        await stack.services.payloads.flush();
        return 'stored';
      } catch (err) {
        return (err as { error?: string }).error ?? String(err);
      }
    });
    return { outcome, fresh };
  }

  const alive = async (model: string, id: string) => requestScope.run(async () => Boolean(await new Adapter(model).find(id)));

  it('a grant revoked (sign-out) between the read and the write: the new tokens are revoked too, not carried on', async () => {
    const { grantId, old } = await grantWithToken();
    const { outcome, fresh } = await refreshAcross(grantId, old, async () => {
      await new Adapter('RefreshToken').revokeByGrantId(grantId);
      await new Adapter('AccessToken').revokeByGrantId(grantId);
      await new Adapter('Grant').destroy(grantId);
    });
    assert.equal(outcome, 'invalid_grant');
    assert.equal(await alive('AccessToken', fresh.at), false, 'the new access token does not work');
    assert.equal(await alive('RefreshToken', fresh.rt), false, 'the new refresh token does not work');
  });

  it('checklist 59, 64: everything of the account ended between the read and the write: the new tokens go too', async () => {
    const { grantId, old } = await grantWithToken();
    const { outcome, fresh } = await refreshAcross(grantId, old, () => revokeEverythingOf(stack.db.models, stack.services.payloads, ACCOUNT));
    assert.equal(outcome, 'invalid_grant');
    assert.equal(await alive('AccessToken', fresh.at), false);
    assert.equal(await alive('RefreshToken', fresh.rt), false);
  });

  it('ending only a grant\'s access tokens (outside a request) claims none of its refresh tokens: the next refresh is no reuse', async () => {
    const { grantId, old } = await grantWithToken();
    await new Adapter('AccessToken').revokeByGrantId(grantId);
    const { outcome, fresh } = await refreshAcross(grantId, old, async () => {});
    assert.equal(outcome, 'stored');
    assert.equal(await alive('RefreshToken', fresh.rt), true);
  });

  it('without a revocation the refresh stores its tokens (the test itself can tell)', async () => {
    const { grantId, old } = await grantWithToken();
    const { outcome, fresh } = await refreshAcross(grantId, old, async () => {});
    assert.equal(outcome, 'stored');
    assert.equal(await alive('AccessToken', fresh.at), true);
    assert.equal(await alive('RefreshToken', fresh.rt), true);
  });
});
