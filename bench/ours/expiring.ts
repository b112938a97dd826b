// Documents that expire during a soak: access tokens (with their grant snapshot, as the provider writes them) and
// consume-once markers, spread evenly over a window and bucketed the way the code under test buckets them.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Models } from '../../src/models/index.js';
import { CLIENT_ID } from './clients.js';

const BATCH = 1_000;
const id = () => randomBytes(32).toString('base64url');

/** The expiry bucket of the checkout under test (src/db/expiry.ts there): an older commit buckets by hour. */
export async function bucketOf(root: string): Promise<(expiresAt: Date) => number | null> {
  const mod = (await import(pathToFileURL(path.join(root, 'src/db/expiry.ts')).href)) as { expiryBucket: (d: Date) => number | null };
  return mod.expiryBucket;
}

export async function insertExpiring(
  models: Models,
  opts: { count: number; from: Date; to: Date; bucket: (expiresAt: Date) => number | null; accounts: string[] },
): Promise<void> {
  const span = opts.to.getTime() - opts.from.getTime();
  const at = (i: number) => new Date(opts.from.getTime() + Math.floor((span * i) / opts.count));
  for (let start = 0; start < opts.count; start += BATCH) {
    const payloads: Array<Record<string, unknown>> = [];
    const markers: Array<Record<string, unknown>> = [];
    for (let i = start; i < Math.min(opts.count, start + BATCH); i++) {
      const expiresAt = at(i);
      const exp = Math.floor(expiresAt.getTime() / 1000);
      const accountId = opts.accounts[i % opts.accounts.length] as string;
      const grantId = id();
      const jti = id();
      const grant = JSON.stringify({ iat: exp - 3600, exp: exp + 86_400, clientId: CLIENT_ID, accountId, kind: 'Grant', jti: grantId, openid: { scope: 'openid' } });
      const payload = JSON.stringify({ iat: exp - 3600, exp, accountId, grantId, kind: 'AccessToken', jti, clientId: CLIENT_ID, scope: 'openid', gty: 'refresh_token' });
      payloads.push({ _id: `AccessToken:${jti}`, model: 'AccessToken', payload, grantId, accountId, expiresAt, expiresBucket: opts.bucket(expiresAt), grant, grantExpiresAt: new Date((exp + 86_400) * 1000) });
      markers.push({ _id: `oidc:RefreshToken:${id()}`, at: new Date(), expiresAt, expiresBucket: opts.bucket(expiresAt) });
    }
    await models.OidcPayload.collection.insertMany(payloads, { ordered: false });
    await models.ConsumedMarker.collection.insertMany(markers, { ordered: false });
  }
}
