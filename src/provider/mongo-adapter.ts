// oidc-provider storage adapter over the payload store: exact _id lookups, the request's writes batched by the store,
// JSON-string payloads (their keys may contain dots), expiry checked on every read.
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { isValidObjectId } from 'mongoose';
import type { Models } from '../models/index.js';
import type { PayloadDoc, PayloadStore } from '../models/stores/payloads.js';
import { mongoOutbox } from '../models/stores/outbox.js';
import { logoutDelivery } from '../logout/ports.js';
import { clientFields, DEFAULT_SESSION_LIMITS, logoutTargetsOf, sessionFields, sessionOverdue, TOUCH_EVERY_MS, type LogoutTarget, type SessionRules } from './session-activity.js';

const DAY_MS = 86_400_000;

// oidc-provider keeps a grant past sign-out when its tokens do not expire with the session ("persistsLogout"), which
// is our case (tokens outlive an idle session). Signing out must still end every grant the session made, as ending a
// session on the account page does: so the flag is never stored.
function signingOutEndsGrants(payload: AdapterPayload): AdapterPayload {
  const authorizations = payload.authorizations as Record<string, { persistsLogout?: boolean }> | undefined;
  if (!authorizations) return payload;
  const kept = Object.entries(authorizations).map(([clientId, { persistsLogout: _, ...rest }]) => [clientId, rest]);
  return { ...payload, authorizations: Object.fromEntries(kept) };
}
// models oidc-provider saves once, when it makes them under a fresh random id (never re-saved): inserted, not upserted
const WRITTEN_ONCE = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials']);

const noSessionRules: SessionRules = { limits: async () => DEFAULT_SESSION_LIMITS, backchannelClients: new Set() };

export function mongoAdapterFactory(payloads: PayloadStore, clock: () => Date = () => new Date(), sessions: SessionRules = noSessionRules) {
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
        payload: JSON.stringify(this.model === 'Session' ? signingOutEndsGrants(payload) : payload),
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        accountId: payload.accountId ?? null,
        consumed: payload.consumed ?? null,
        expiresAt: expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null,
        ...(this.model === 'Session' ? sessionFields(payload, clock(), sessions.backchannelClients) : {}),
      }, { created: WRITTEN_ONCE.has(this.model) });
    }

    async find(id: string) {
      const doc = await payloads.get(this.key(id));
      const payload = parse(doc);
      if (!doc || !payload || this.model !== 'Session' || !payload.accountId) return payload;
      // B15, checklist 57: a session unused too long, or signed in too long ago, is not used again (sign in anew)
      const now = clock();
      if (sessionOverdue({ lastUsedAt: doc.lastUsedAt, loginTs: payload.loginTs, iat: payload.iat }, await sessions.limits(payload.accountId), now)) return undefined;
      if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
        await payloads.set(this.key(id), { lastUsedAt: now, ...clientFields() }, { mustExist: true });
      }
      return payload;
    }

    async findByUserCode(userCode: string) {
      return parse(await payloads.findOne({ model: this.model, userCode }));
    }

    async findByUid(uid: string) {
      return parse(await payloads.findOne({ model: this.model, uid }));
    }

    // Single use even under concurrent redemption (checklist 80, 86; RFC 9700 §4.14.2): the unique marker decides the
    // one winner, and it is claimed after this request's tokens are stored (it is the last document of the same
    // ordered insert). So a loser (a concurrent or a later reuse) always revokes the grant after every token made from
    // it exists, the winner's new ones included, whoever was first. Nothing marks the document consumed before the
    // claim: a request that dies in between left no trace, and its client's retry works.
    async consume(id: string) {
      const doc = await payloads.get(this.key(id));
      const expiresAt = doc?.expiresAt ?? new Date(clock().getTime() + DAY_MS);
      await payloads.claimOnce({
        key: this.key(id),
        expiresAt,
        taken: async () => {
          if (doc?.grantId) await payloads.revokeWholeGrant(doc.grantId);
          throw new errors.InvalidGrant('grant request is invalid');
        },
      });
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
// The clients those sessions signed in to are told by back-channel logout, through the outbox (B16; src/logout).
export async function revokeEverythingOf(models: Models, payloads: PayloadStore, accountId: string, keepSessionId?: string): Promise<number> {
  const kept = keepSessionId ? `Session:${keepSessionId}` : undefined;
  // sign-ins in progress whose password is only carried by the browser (src/flow/proof.ts) end with this count
  if (isValidObjectId(accountId)) await models.User.updateOne({ _id: accountId }, { $inc: { sessionsEnded: 1 } });
  const sessions = await models.OidcPayload.find({ accountId, model: 'Session' }).lean<PayloadDoc[]>();
  await queueLogoutsOf(models, accountId, sessions, kept);
  // the session kept keeps its own clients' grants and tokens too (this browser stays signed in to them)
  const keptSession = sessions.find((doc) => doc._id === kept);
  const keptGrants = keptSession ? grantIdsOf(keptSession) : [];
  const keptIds = kept ? [kept, ...keptGrants.map((g) => `Grant:${g}`)] : [];
  const filter = kept ? { accountId, _id: { $nin: keptIds }, grantId: { $nin: keptGrants } } : { accountId };
  const ended = await payloads.endAll(filter);
  payloads.forget((doc) => doc.accountId === accountId && !keptIds.includes(doc._id) && !keptGrants.includes(doc.grantId ?? ''));
  return ended;
}

/** Ends one session of an account, found by its uid (never by the cookie's id); false when there is none. */
export async function endSessionByUid(models: Models, payloads: PayloadStore, accountId: string, uid: string): Promise<boolean> {
  const docs = await models.OidcPayload.find({ accountId, model: 'Session', uid }).lean<PayloadDoc[]>();
  const doc = docs.find((d) => d.accountId === accountId && d.uid === uid);
  if (!doc) return false;
  await queueLogoutsOf(models, accountId, [doc]);
  // as a sign-out would: the session's grants end with their tokens
  const grantIds = new Set(grantIdsOf(doc));
  for (const grantId of grantIds) {
    await payloads.endAll({ grantId });
    await models.OidcPayload.deleteOne({ _id: `Grant:${grantId}` });
  }
  await models.OidcPayload.deleteOne({ _id: doc._id });
  payloads.forget((d) => d._id === doc._id || grantIds.has(d.grantId ?? '') || grantIds.has(d._id.replace(/^Grant:/, '')));
  return true;
}

function grantIdsOf(session: PayloadDoc): string[] {
  const { authorizations } = JSON.parse(session.payload) as { authorizations?: Record<string, { grantId?: string } | undefined> };
  return Object.values(authorizations ?? {}).flatMap((a) => (a?.grantId ? [a.grantId] : []));
}

async function queueLogoutsOf(models: Models, accountId: string, sessions: PayloadDoc[], keptId?: string): Promise<void> {
  const targets: LogoutTarget[] = sessions.filter((s) => s._id !== keptId).flatMap((s) => logoutTargetsOf(s));
  await mongoOutbox(models, 'logout').enqueue(
    targets.map((t) => logoutDelivery({ clientId: t.clientId, accountId, sid: t.sid })),
    new Date(),
  );
}
