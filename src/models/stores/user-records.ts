// Users and stores as the stores read them: a user is read at most once per request (any write to users forgets this
// request's copies), and stores come from a short in-process cache (STORE_CACHE_MS): a change made by this instance
// is seen here at once, on other instances within STORE_CACHE_MS.
import { isValidObjectId, Types } from 'mongoose';
import { LRUCache } from 'lru-cache';
import type { Models } from '../index.js';
import type { UserDoc } from '../user.js';
import type { StoreAccountDoc } from '../store-account.js';
import { requestScope } from './request-scope.js';
import { onStoresWritten, onUserWritten } from '../written.js';

/** How stale a store (its policy) may be on another instance: a policy change holds everywhere after this. */
export const STORE_CACHE_MS = 5_000;
/** How stale the claims of a token (name, role, email) may be on another instance than the one that changed them. */
export const CLAIMS_CACHE_MS = 10_000;

const oid = (id: string) => (isValidObjectId(id) ? new Types.ObjectId(id) : undefined);
const usersOfRequest = () => requestScope.slot('users', () => new Map<string, Promise<UserDoc | null>>());

// any write to users forgets this request's copies
onUserWritten(() => usersOfRequest()?.clear());

export function userRecords({ User }: Pick<Models, 'User'>) {
  const recent = new LRUCache<string, UserDoc>({ max: 50_000, ttl: CLAIMS_CACHE_MS });
  onUserWritten((id) => (id ? recent.delete(id) : recent.clear()));
  const remembered = (key: string, read: () => Promise<UserDoc | null>) => {
    const load = async () => {
      const doc = await read();
      if (doc) recent.set(String(doc._id), doc);
      return doc;
    };
    const memo = usersOfRequest();
    if (!memo) return load();
    let found = memo.get(key);
    if (!found) {
      found = load();
      memo.set(key, found);
      // a failed read is not remembered
      found.catch(() => memo.delete(key));
    }
    return found;
  };
  return {
    /** For token claims only: a user read in this process in the last CLAIMS_CACHE_MS, else read now. */
    async recentById(id: string): Promise<UserDoc | null> {
      return recent.get(id) ?? this.byId(id);
    },
    byId(id: string): Promise<UserDoc | null> {
      const _id = oid(id);
      if (!_id) return Promise.resolve(null);
      return remembered(`id:${id}`, () => User.findById(_id).lean<UserDoc>());
    },
    /** One query by store and username, whether or not the user exists (checklist 25). */
    byLogin(storeId: string, username: string): Promise<UserDoc | null> {
      const store = oid(storeId);
      const name = String(username).toLowerCase();
      return remembered(`login:${storeId}:${name}`, async () => {
        const doc = await User.findOne({ storeId: store ?? null, username: name }).lean<UserDoc>();
        if (doc) usersOfRequest()?.set(`id:${String(doc._id)}`, Promise.resolve(doc));
        return doc;
      });
    },
  };
}

export function storeRecords({ StoreAccount }: Pick<Models, 'StoreAccount'>, ttlMs = STORE_CACHE_MS) {
  const cache = new LRUCache<string, { doc: StoreAccountDoc | null }>({ max: 10_000, ttl: ttlMs });
  onStoresWritten(() => cache.clear());
  const cached = async (key: string, load: () => Promise<StoreAccountDoc | null>) => {
    const hit = cache.get(key);
    if (hit) return hit.doc;
    const doc = await load();
    cache.set(key, { doc });
    if (doc) {
      cache.set(`id:${String(doc._id)}`, { doc });
      cache.set(`prefix:${doc.prefix}`, { doc });
    }
    return doc;
  };
  return {
    byId(id: string): Promise<StoreAccountDoc | null> {
      const _id = oid(id);
      if (!_id) return Promise.resolve(null);
      return cached(`id:${id}`, () => StoreAccount.findById(_id).lean<StoreAccountDoc>());
    },
    byPrefix(prefix: string): Promise<StoreAccountDoc | null> {
      const p = String(prefix).toLowerCase();
      return cached(`prefix:${p}`, () => StoreAccount.findOne({ prefix: p }).lean<StoreAccountDoc>());
    },
  };
}

export type UserRecords = ReturnType<typeof userRecords>;
export type StoreRecords = ReturnType<typeof storeRecords>;
