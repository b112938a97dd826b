// oidc-provider storage adapter over mongoose, within the FerretDB rules (expiry in queries, JSON-string payloads).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Models } from '../models/index.js';

const notExpired = () => ({ $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

export function mongoAdapterFactory(models: Models) {
  const { OidcPayload } = models;

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

    async consume(id: string) {
      await OidcPayload.updateOne({ _id: this.key(id) }, { $set: { consumed: Math.floor(Date.now() / 1000) } });
    }

    async destroy(id: string) {
      await OidcPayload.deleteOne({ _id: this.key(id) });
    }

    async revokeByGrantId(grantId: string) {
      await OidcPayload.deleteMany({ grantId });
    }
  };
}

// Ends every session, grant and token of an account (deactivation, MFA reset; checklist 59, 64).
export async function revokeEverythingOf(models: Models, accountId: string): Promise<number> {
  const res = await models.OidcPayload.deleteMany({ accountId });
  return res.deletedCount;
}
