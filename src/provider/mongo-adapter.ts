// oidc-provider storage adapter over the payload store: exact _id lookups, one write command per request, JSON-string
// payloads (their keys may contain dots), expiry checked on every read.
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Models } from '../models/index.js';
import type { ConsumeOnce } from '../models/stores/consume-once.js';
import type { PayloadDoc, PayloadStore } from '../models/stores/payloads.js';

const DAY_MS = 86_400_000;

export function mongoAdapterFactory(payloads: PayloadStore, once: ConsumeOnce, clock: () => Date = () => new Date()) {
  const parse = (doc: PayloadDoc | undefined): AdapterPayload | undefined => {
    if (!doc?.payload) return undefined;
    const payload = JSON.parse(doc.payload) as AdapterPayload;
    if (doc.consumed) payload.consumed = doc.consumed;
    return payload;
  };

  return class MongoAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      await payloads.set(this.key(id), {
        model: this.model,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        accountId: payload.accountId ?? null,
        consumed: payload.consumed ?? null,
        expiresAt: expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null,
      });
    }

    async find(id: string) {
      return parse(await payloads.get(this.key(id)));
    }

    async findByUserCode(userCode: string) {
      return parse(await payloads.findOne({ model: this.model, userCode }));
    }

    async findByUid(uid: string) {
      return parse(await payloads.findOne({ model: this.model, uid }));
    }

    // Single use even under concurrent redemption (checklist 80, 86): the unique marker decides the one winner;
    // a loser is treated like a reused code, so everything issued from that grant is revoked.
    async consume(id: string) {
      const doc = await payloads.get(this.key(id));
      const expiresAt = doc?.expiresAt ?? new Date(clock().getTime() + DAY_MS);
      if (!(await once.claim({ key: `oidc:${this.key(id)}`, expiresAt }))) {
        if (doc?.grantId) await payloads.revokeGrant(doc.grantId, this.model);
        throw new errors.InvalidGrant('grant request is invalid');
      }
      await payloads.set(this.key(id), { consumed: Math.floor(clock().getTime() / 1000) });
    }

    async destroy(id: string) {
      await payloads.destroy(this.key(id));
    }

    async revokeByGrantId(grantId: string) {
      await payloads.revokeGrant(grantId, this.model);
    }
  };
}

// Ends every session, grant, token and sign-in in progress of an account (deactivation, MFA reset; checklist 59, 64),
// optionally keeping the session the user is acting from (checklist 53: a credential change ends the other sessions).
export async function revokeEverythingOf(models: Models, payloads: PayloadStore, accountId: string, keepSessionId?: string): Promise<number> {
  const kept = keepSessionId ? `Session:${keepSessionId}` : undefined;
  const filter = kept ? { accountId, _id: { $ne: kept } } : { accountId };
  const res = await models.OidcPayload.deleteMany(filter);
  payloads.forget((doc) => doc.accountId === accountId && doc._id !== kept);
  return res.deletedCount;
}
