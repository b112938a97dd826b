// oidc-provider storage adapter over mongoose, within the FerretDB rules (expiry in queries, JSON-string payloads).
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Models } from '../models/index.js';

const notExpired = () => ({ $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

export function mongoAdapterFactory(models: Models) {
  const { OidcPayload, ConsumedMarker } = models;

  return class MongoAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await OidcPayload.updateOne(
        { _id: this.key(id) },
        {
          $set: {
            model: this.model,
            payload: JSON.stringify(payload),
            grantId: payload.grantId ?? null,
            userCode: payload.userCode ?? null,
            uid: payload.uid ?? null,
            accountId: payload.accountId ?? null,
            consumed: payload.consumed ?? null,
            expiresAt,
          },
        },
        { upsert: true },
      );
    }

    private async findBy(filter: Record<string, unknown>): Promise<AdapterPayload | undefined> {
      const doc = await OidcPayload.findOne({ ...filter, model: this.model, ...notExpired() }).lean();
      if (!doc) return undefined;
      const payload = JSON.parse(doc.payload) as AdapterPayload;
      if (doc.consumed) payload.consumed = doc.consumed;
      return payload;
    }

    find(id: string) {
      return this.findBy({ _id: this.key(id) });
    }

    findByUserCode(userCode: string) {
      return this.findBy({ userCode });
    }

    findByUid(uid: string) {
      return this.findBy({ uid });
    }

    // Single use even under concurrent redemption (checklist 80, 86): the unique marker insert decides the one winner;
    // a loser is treated like a reused code, so everything issued from that grant is revoked.
    async consume(id: string) {
      const doc = await OidcPayload.findById(this.key(id)).lean();
      try {
        await ConsumedMarker.create({ _id: `oidc:${this.key(id)}`, expiresAt: doc?.expiresAt ?? new Date(Date.now() + 86_400_000) });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        if (doc?.grantId) await OidcPayload.deleteMany({ $or: [{ grantId: doc.grantId }, { _id: `Grant:${doc.grantId}` }] });
        throw new errors.InvalidGrant('grant request is invalid');
      }
      await OidcPayload.updateOne({ _id: this.key(id) }, { $set: { consumed: Math.floor(Date.now() / 1000) } });
    }

    async destroy(id: string) {
      await OidcPayload.deleteOne({ _id: this.key(id) });
    }

    // oidc-provider calls this per model; other models sharing the grant (e.g. a live Interaction) stay.
    async revokeByGrantId(grantId: string) {
      await OidcPayload.deleteMany({ grantId, model: this.model });
    }
  };
}

// Ends every session, grant and token of an account (deactivation, MFA reset; checklist 59, 64), optionally
// keeping the session the user is acting from (checklist 53: a credential change ends the other sessions).
export async function revokeEverythingOf(models: Models, accountId: string, keepSessionId?: string): Promise<number> {
  const filter = keepSessionId ? { accountId, _id: { $ne: `Session:${keepSessionId}` } } : { accountId };
  const res = await models.OidcPayload.deleteMany(filter);
  return res.deletedCount;
}
