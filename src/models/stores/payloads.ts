// The oidc_payloads collection (oidc-provider's sessions, interactions, grants, codes and tokens, and our sign-in flow
// state) seen through one unit of work per HTTP request: every document is read at most once per request (an identity
// map), and the request's writes leave together just before the response is sent: changes to stored documents as one
// update command, new documents (tokens, codes) and the request's consume-once markers as one ordered insert command,
// the markers last. A refresh or a code exchange writes only new documents and its marker: one command.
// Outside a request (workers, the operator CLI) every write is immediate.
//
// Consume-once markers of oidc-provider's codes and tokens live in this collection too (`Consumed:<model>:<id>`), so
// the marker can leave in the same command as the tokens it guards (a unique _id: the one insert that succeeds wins,
// DESIGN rule 8); they expire with what they guard.
//
// Tokens carry a snapshot of their grant (`grant`, `grantExpiresAt`), written with the token, so the grant a token
// names is read with the token. That is safe because a grant never ends without its tokens: oidc-provider revokes a
// grant's tokens together with it (revokeByGrantId below), our account-wide revocations delete every document of the
// account, and an expired grant's snapshot expires with it. A revocation first claims the consume-once markers of the
// codes and refresh tokens it ends (`endTokens`): a refresh that read its token (and the grant's snapshot) before and
// writes after loses its own claim, and so revokes the new tokens it wrote, instead of carrying the grant onward.
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

/** A consume-once claim; `taken` runs when another request (or an earlier one) claimed it first. */
export interface OnceClaim {
  key: string;
  expiresAt: Date;
  taken: () => Promise<void>;
}

interface Scope {
  docs: Map<string, PayloadDoc | null>;
  /** `insert`: a document new in this request (never read, of a model written once), inserted rather than upserted */
  pending: Map<string, { fields: Fields; upsert: boolean; insert: boolean }>;
  revokedGrants: Set<string>;
  /** claimed after this request's other writes, in the same command as its new documents */
  claims: OnceClaim[];
}

const EPOCH = new Date(0);
const DUPLICATE_KEY = 11000;
export const MARKER_PREFIX = 'Consumed:';

const markerDoc = (claim: Pick<OnceClaim, 'key' | 'expiresAt'>) => ({
  _id: `${MARKER_PREFIX}${claim.key}`,
  model: 'Consumed',
  payload: '{}',
  expiresAt: claim.expiresAt,
  expiresBucket: expiryBucket(claim.expiresAt),
});

// the index of the first document an ordered insert refused as a duplicate, or undefined for any other failure
function duplicateAt(err: unknown): number | undefined {
  const first = (err as { writeErrors?: Array<{ index?: number; code?: number; err?: { index?: number; code?: number } }> }).writeErrors?.[0];
  const code = first?.code ?? first?.err?.code ?? (err as { code?: number }).code;
  const index = first?.index ?? first?.err?.index ?? ((err as { code?: number }).code === DUPLICATE_KEY ? 0 : undefined);
  return code === DUPLICATE_KEY ? index : undefined;
}

// the models whose use claims a consume-once marker (src/provider/mongo-adapter.ts consume)
const CONSUMABLE = ['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'];

export function createPayloadStore({ OidcPayload }: Pick<Models, 'OidcPayload'>, clock: () => Date = () => new Date()) {
  const scopeNow = () => requestScope.slot<Scope>('payloads', () => ({ docs: new Map(), pending: new Map(), revokedGrants: new Set(), claims: [] }));
  // the driver's own call: a hot read (every request of a sign-in, every refresh) needs no mongoose query or casting
  const readOne = async (filter: Record<string, unknown>) => ((await OidcPayload.collection.findOne(filter as never)) as PayloadDoc | null) ?? null;
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

  // Ends the tokens `filter` finds: their markers are claimed first (one taken already is fine), then they are deleted.
  const endTokens = async (filter: Record<string, unknown>) => {
    // only the consumable models among those the filter names (a filter for access tokens claims no refresh token)
    const asked = filter.model as string | { $in?: string[] } | undefined;
    const named = typeof asked === 'string' ? [asked] : asked?.$in;
    const consumable = named ? CONSUMABLE.filter((m) => named.includes(m)) : CONSUMABLE;
    const usable = consumable.length ? await OidcPayload.find({ ...filter, model: { $in: consumable } }, { _id: 1, expiresAt: 1 }).lean<Array<Pick<PayloadDoc, '_id' | 'expiresAt'>>>() : [];
    const markers = usable.map((d) => markerDoc({ key: d._id, expiresAt: d.expiresAt ?? new Date(clock().getTime() + 86_400_000) }));
    if (markers.length) {
      await OidcPayload.collection.insertMany(markers as never[], { ordered: false }).catch((err: unknown) => {
        const errors = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors ?? [];
        if (!errors.length || errors.some((e) => (e.code ?? e.err?.code) !== DUPLICATE_KEY)) throw err;
      });
    }
    return (await OidcPayload.deleteMany(filter)).deletedCount;
  };

  const store = {
    /** `fresh`: read the stored document again (what parallel requests wrote meanwhile), keeping this request's changes. */
    async get(id: string, opts: { fresh?: boolean } = {}): Promise<PayloadDoc | undefined> {
      const scope = scopeNow();
      if (scope && !opts.fresh && scope.docs.has(id)) return live(merged(scope, id));
      const doc = await readOne({ _id: id });
      if (!scope) return live(doc);
      if (doc) remember(scope, doc);
      else scope.docs.set(id, null);
      return live(merged(scope, id));
    },

    /** One document by an exact lifted field (uid, userCode); remembered by its _id. */
    async findOne(filter: { model: string; uid?: string; userCode?: string }): Promise<PayloadDoc | undefined> {
      const doc = await readOne({ ...filter, $or: [{ expiresAt: null }, { expiresAt: { $gt: clock() } }] });
      const scope = scopeNow();
      if (!doc) return undefined;
      if (scope) {
        if (!scope.docs.has(doc._id)) remember(scope, doc);
        return live(merged(scope, doc._id));
      }
      return live(doc);
    },

    /**
     * Upserts fields; `mustExist` changes only a document that is there (never creates a stray one); `created`: the
     * caller makes a new document under a fresh random id (a token), so unless this request read it, it is inserted.
     */
    async set(id: string, changes: Fields, opts: { mustExist?: boolean; created?: boolean } = {}): Promise<void> {
      const upsert = !opts.mustExist;
      const fields = 'expiresAt' in changes && !('expiresBucket' in changes) ? { ...changes, expiresBucket: expiryBucket(changes.expiresAt) } : changes;
      const scope = scopeNow();
      if (!scope) {
        await OidcPayload.updateOne({ _id: id }, { $set: fields }, { upsert });
        return;
      }
      const before = scope.pending.get(id);
      const insert = before ? before.insert : Boolean(opts.created) && !scope.docs.has(id);
      scope.pending.set(id, { fields: { ...before?.fields, ...fields }, upsert: upsert || Boolean(before?.upsert), insert });
    },

    /** Deleted for every reader from now on (found by no lifted field either); the sweeper removes it with this minute. */
    destroy: (id: string) => store.set(id, { expiresAt: EPOCH, expiresBucket: expiryBucket(clock()), uid: null, userCode: null }, { mustExist: true }),

    /**
     * Claims `key` once, after this request's other writes (at once outside a request): the marker is the last
     * document of the request's ordered insert, so a claim decides after the tokens it guards exist, and a loser that
     * revokes them (`taken`) revokes the winner's too (checklist 80, 86).
     */
    async claimOnce(claim: OnceClaim): Promise<void> {
      const scope = scopeNow();
      if (scope) {
        scope.claims.push(claim);
        return;
      }
      try {
        await OidcPayload.collection.insertOne(markerDoc(claim) as never);
      } catch (err) {
        if (duplicateAt(err) === undefined) throw err;
        await claim.taken();
      }
    },

    /** Every token of a grant, once per request however many models ask (oidc-provider asks per model). */
    async revokeGrant(grantId: string, model: string): Promise<void> {
      const scope = scopeNow();
      if (!scope) {
        await endTokens({ grantId, model });
        return;
      }
      if (scope.revokedGrants.has(grantId)) return;
      scope.revokedGrants.add(grantId);
      await endTokens({ grantId, model: { $in: TOKEN_MODELS } });
      store.forget((doc) => doc.grantId === grantId && TOKEN_MODELS.includes(doc.model));
    },

    /** A grant and every token made from it, at once (a detected reuse: RFC 9700 §4.14.2). */
    async revokeWholeGrant(grantId: string): Promise<void> {
      await endTokens({ grantId, model: { $in: TOKEN_MODELS } });
      await OidcPayload.deleteOne({ _id: `Grant:${grantId}` });
      scopeNow()?.revokedGrants.add(grantId);
      store.forget((doc) => doc._id === `Grant:${grantId}` || (doc.grantId === grantId && TOKEN_MODELS.includes(doc.model)));
    },

    /** Ends every document `filter` finds (an account's, a session's grants'), the tokens' markers claimed first. */
    endAll: (filter: Record<string, unknown>) => endTokens(filter),

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

    /**
     * Writes this request's changes: one update command for the stored documents that changed, then one ordered insert
     * command for its new documents followed by its consume-once markers (without markers, new documents join the
     * update command when there is one). A marker already taken runs its `taken`.
     */
    async flush(): Promise<void> {
      const scope = scopeNow();
      if (!scope) return;
      const changes = [...scope.pending];
      const claims = scope.claims.splice(0);
      for (const id of scope.pending.keys()) scope.docs.set(id, merged(scope, id) ?? null);
      scope.pending.clear();
      // new documents go in the update command as upserts when the request changes stored ones and claims nothing
      const inserting = claims.length > 0 || changes.every(([, p]) => p.insert);
      const updates = changes.filter(([, p]) => !(inserting && p.insert)).map(([id, { fields, upsert }]) => ({
        updateOne: { filter: { _id: id }, update: { $set: withSnapshot(scope, id, fields) }, upsert },
      }));
      if (updates.length > 0) await OidcPayload.bulkWrite(updates, { ordered: true });
      const created = changes.filter(([, p]) => inserting && p.insert).map(([id, { fields }]) => ({ _id: id, ...withSnapshot(scope, id, fields) }));
      const docs = [...created, ...claims.map(markerDoc)];
      if (docs.length === 0) return;
      try {
        await OidcPayload.collection.insertMany(docs as never[], { ordered: true });
      } catch (err) {
        const at = duplicateAt(err);
        const claim = at === undefined ? undefined : claims[at - created.length];
        if (!claim) throw err;
        await claim.taken();
      }
    },
  };
  return store;
}

export type PayloadStore = ReturnType<typeof createPayloadStore>;
