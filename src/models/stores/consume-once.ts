// Consume-once by a unique _id: the one insert that succeeds wins, even where findAndModify is not atomic (FerretDB; DESIGN rule 8).
import { expiryBucket } from '../../db/expiry.js';
import type { Models } from '../index.js';

const DUPLICATE_KEY = 11000;

export interface Claim {
  key: string;
  expiresAt: Date;
  /** who holds it (locks), or what it is for */
  owner?: string;
}

export type ConsumeOnce = ReturnType<typeof consumeOnceWith>;

export function consumeOnceWith({ ConsumedMarker }: Models) {
  return {
    /** True exactly once per key. */
    async claim(claim: Claim): Promise<boolean> {
      try {
        await ConsumedMarker.create({ _id: claim.key, owner: claim.owner ?? null, expiresAt: claim.expiresAt, expiresBucket: expiryBucket(claim.expiresAt) });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    },
    /**
     * Several claims in one command, in order, stopping at the first key already taken. Returns how many were
     * claimed: the prefix this call won.
     */
    async claimInOrder(claims: Claim[]): Promise<number> {
      if (claims.length === 0) return 0;
      const docs = claims.map((c) => ({ _id: c.key, owner: c.owner ?? null, expiresAt: c.expiresAt, expiresBucket: expiryBucket(c.expiresAt) }));
      try {
        await ConsumedMarker.insertMany(docs, { ordered: true });
        return claims.length;
      } catch (err) {
        const first = (err as { writeErrors?: Array<{ index?: number; code?: number; err?: { index?: number; code?: number } }> }).writeErrors?.[0];
        const code = first?.code ?? first?.err?.code;
        const index = first?.index ?? first?.err?.index;
        if (code !== DUPLICATE_KEY || index === undefined) throw err;
        return index;
      }
    },
    /** Gives a claim back (a lock), only if `owner` still holds it. */
    async release(key: string, owner: string): Promise<void> {
      await ConsumedMarker.deleteOne({ _id: key, owner });
    },
  };
}
