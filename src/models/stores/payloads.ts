// The oidc_payloads collection (oidc-provider's sessions, interactions, grants, codes and tokens, and our sign-in flow
// state) seen through one unit of work per HTTP request: every document is read at most once per request (an identity
// map), and the request's writes leave together, as ONE update command, just before the response is sent.
// Outside a request (workers, the operator CLI) every write is immediate.
//
// Tokens carry a snapshot of their grant (`grant`, `grantExpiresAt`), written with the token, so the grant a token
// names is read with the token. That is safe because a grant never ends without its tokens: oidc-provider revokes a
// grant's tokens together with it (revokeByGrantId below), our account-wide revocations delete every document of the
// account, and an expired grant's snapshot expires with it.
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';
import { requestScope } from './request-scope.js';

export interface PayloadDoc {
  _id: string;
  model: string;
  payload: string;
  grantId?: string | null;
  uid?: string | null;
  userCode?: string | null;
  accountId?: string | null;
  consumed?: number | null;
  expiresAt: Date | null;
  expiresBucket?: number | null;
  /** the sign-in flow state of an Interaction (src/flow/store.ts) */
  flow?: string | null;
  /** tokens: the payload of their grant when they were written, and when that grant expires */
  grant?: string | null;
  grantExpiresAt?: Date | null;
  /** Sessions (src/provider/session-activity.ts) */
  userAgent?: string | null;
  ip?: string | null;
  lastUsedAt?: Date | null;
  logoutTargets?: string | null;
}

type Fields = Partial<Omit<PayloadDoc, '_id'>>;

// Models whose documents name a grant and are revoked with it.
export const TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'ClientCredentials', 'PreAuthorizedCode'];

interface Scope {
  docs: Map<string, PayloadDoc | null>;
  pending: Map<string, { fields: Fields; upsert: boolean }>;
  revokedGrants: Set<string>;
  /** run once this request's writes are stored (consume-once claims: src/provider/mongo-adapter.ts) */
  afterWrite: Array<() => Promise<void>>;
}

const EPOCH = new Date(0);

export function createPayloadStore({ OidcPayload }: Pick<Models, 'OidcPayload'>, clock: () => Date = () => new Date()) {
  const scopeNow = () => requestScope.slot<Scope>('payloads', () => ({ docs: new Map(), pending: new Map(), revokedGrants: new Set(), afterWrite: [] }));
  const live = (doc: PayloadDoc | null | undefined) => (doc && (!doc.expiresAt || doc.expiresAt > clock()) ? doc : undefined);

  // A token document brings its grant along: later Grant reads in this request are served from the snapshot.
  const remember = (scope: Scope, doc: PayloadDoc) => {
    scope.docs.set(doc._id, doc);
    if (doc.grant && doc.grantId && !scope.docs.has(`Grant:${doc.grantId}`)) {
      scope.docs.set(`Grant:${doc.grantId}`, { _id: `Grant:${doc.grantId}`, model: 'Grant', payload: doc.grant, expiresAt: doc.grantExpiresAt ?? null });
    }
  };

  const withSnapshot = (scope: Scope | undefined, id: string, fields: Fields): Fields => {
    const model = fields.model ?? scope?.docs.get(id)?.model;
    if (!scope || !fields.payload || !fields.grantId || !model || !TOKEN_MODELS.includes(model)) return fields;
    const grant = live(merged(scope, `Grant:${fields.grantId}`));
    return grant ? { ...fields, grant: grant.payload, grantExpiresAt: grant.expiresAt } : fields;
  };

  // what the request sees: the stored document with this request's pending changes applied
  const merged = (scope: Scope, id: string): PayloadDoc | undefined => {
    const stored = scope.docs.get(id);
    const change = scope.pending.get(id)?.fields;
    if (!change) return stored ?? undefined;
    return { ...(stored ?? { _id: id, model: '', payload: '', expiresAt: null }), ...change } as PayloadDoc;
  };

  const store = {
    /** `fresh`: read the stored document again (what parallel requests wrote meanwhile), keeping this request's changes. */
    async get(id: string, opts: { fresh?: boolean } = {}): Promise<PayloadDoc | undefined> {
      const scope = scopeNow();
      if (scope && !opts.fresh && scope.docs.has(id)) return live(merged(scope, id));
      const doc = await OidcPayload.findOne({ _id: id }).lean<PayloadDoc>();
      if (!scope) return live(doc);
      if (doc) remember(scope, doc);
      else scope.docs.set(id, null);
      return live(merged(scope, id));
    },

    /** One document by an exact lifted field (uid, userCode); remembered by its _id. */
    async findOne(filter: { model: string; uid?: string; userCode?: string }): Promise<PayloadDoc | undefined> {
      const doc = await OidcPayload.findOne({ ...filter, $or: [{ expiresAt: null }, { expiresAt: { $gt: clock() } }] }).lean<PayloadDoc>();
      const scope = scopeNow();
      if (!doc) return undefined;
      if (scope) {
        if (!scope.docs.has(doc._id)) remember(scope, doc);
        return live(merged(scope, doc._id));
      }
      return live(doc);
    },

    /** Upserts fields; `mustExist` changes only a document that is there (never creates a stray one). */
    async set(id: string, changes: Fields, opts: { mustExist?: boolean } = {}): Promise<void> {
      const upsert = !opts.mustExist;
      const fields = 'expiresAt' in changes && !('expiresBucket' in changes) ? { ...changes, expiresBucket: expiryBucket(changes.expiresAt) } : changes;
      const scope = scopeNow();
      if (!scope) {
        await OidcPayload.updateOne({ _id: id }, { $set: fields }, { upsert });
        return;
      }
      const before = scope.pending.get(id);
      scope.pending.set(id, { fields: { ...before?.fields, ...fields }, upsert: upsert || Boolean(before?.upsert) });
    },

    /** Deleted for every reader from now on (found by no lifted field either); the sweeper removes it with this minute. */
    destroy: (id: string) => store.set(id, { expiresAt: EPOCH, expiresBucket: expiryBucket(clock()), uid: null, userCode: null }, { mustExist: true }),

    /**
     * Runs `task` once this request's writes are stored (at once outside a request). A consume-once claim made there
     * decides after the tokens it guards exist, so a loser that revokes them revokes the winner's too.
     */
    async afterWrite(task: () => Promise<void>): Promise<void> {
      const scope = scopeNow();
      if (scope) scope.afterWrite.push(task);
      else await task();
    },

    /** Every token of a grant, once per request however many models ask (oidc-provider asks per model). */
    async revokeGrant(grantId: string, model: string): Promise<void> {
      const scope = scopeNow();
      if (!scope) {
        await OidcPayload.deleteMany({ grantId, model });
        return;
      }
      if (scope.revokedGrants.has(grantId)) return;
      scope.revokedGrants.add(grantId);
      await OidcPayload.deleteMany({ grantId, model: { $in: TOKEN_MODELS } });
      store.forget((doc) => doc.grantId === grantId && TOKEN_MODELS.includes(doc.model));
    },

    /** A grant and every token made from it, at once (a detected reuse: RFC 9700 §4.14.2). */
    async revokeWholeGrant(grantId: string): Promise<void> {
      await OidcPayload.deleteMany({ grantId, model: { $in: TOKEN_MODELS } });
      await OidcPayload.deleteOne({ _id: `Grant:${grantId}` });
      scopeNow()?.revokedGrants.add(grantId);
      store.forget((doc) => doc._id === `Grant:${grantId}` || (doc.grantId === grantId && TOKEN_MODELS.includes(doc.model)));
    },

    /** Drops remembered documents and pending writes that a direct delete just removed, so flush() cannot revive them. */
    forget(removed: (doc: Pick<PayloadDoc, 'model' | 'grantId' | 'accountId'> & { _id: string }) => boolean) {
      const scope = scopeNow();
      if (!scope) return;
      for (const id of new Set([...scope.docs.keys(), ...scope.pending.keys()])) {
        const doc = merged(scope, id);
        if (doc && removed(doc)) {
          scope.docs.set(id, null);
          scope.pending.delete(id);
        }
      }
    },

    /** Writes this request's changes (one update command however many documents changed), then its after-write tasks. */
    async flush(): Promise<void> {
      const scope = scopeNow();
      if (!scope) return;
      if (scope.pending.size > 0) {
        const ops = [...scope.pending].map(([id, { fields, upsert }]) => ({
          updateOne: { filter: { _id: id }, update: { $set: withSnapshot(scope, id, fields) }, upsert },
        }));
        for (const id of scope.pending.keys()) scope.docs.set(id, merged(scope, id) ?? null);
        scope.pending.clear();
        await OidcPayload.bulkWrite(ops, { ordered: true });
      }
      for (const task of scope.afterWrite.splice(0)) await task();
    },
  };
  return store;
}

export type PayloadStore = ReturnType<typeof createPayloadStore>;
