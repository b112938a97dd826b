// The roll-out's storage (B21): stores with a deadline by their indexed flag, coverage counts in one aggregation over
// the store's users (the {storeId, username} index) grouped by role, MFA and pending reset, users without MFA, and the
// job's done-markers.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { StoreAccountDoc } from '../store-account.js';
import type { UserDoc } from '../user.js';
import { toStoreView } from './user-directory.js';
import type { RolloutPort } from '../../services/rollout/index.js';
import type { Role } from '../../services/policy/index.js';
import type { ConsumeOnce } from './consume-once.js';

const oid = (id: string) => (isValidObjectId(id) ? new Types.ObjectId(id) : undefined);

export function mongoRollout({ StoreAccount, User, ConsumedMarker }: Models, once: ConsumeOnce): RolloutPort {
  return {
    async storesWithRollout() {
      return (await StoreAccount.find({ rollout: true }).lean<StoreAccountDoc[]>()).map(toStoreView);
    },
    async roleCounts(storeId) {
      const rows = await User.aggregate<{ _id: { role: Role; enabled: boolean | null; mustEnrol: boolean | null }; count: number }>([
        { $match: { storeId: oid(storeId) ?? null, active: true } },
        { $group: { _id: { role: '$role', enabled: '$mfa.enabled', mustEnrol: '$mfa.mustEnrol' }, count: { $sum: 1 } } },
      ]);
      return rows.map((r) => ({ role: r._id.role, mfaEnabled: r._id.enabled === true, mustEnrol: r._id.mustEnrol === true, count: r.count }));
    },
    async notEnrolled(storeId, limit) {
      const docs = await User.find({ storeId: oid(storeId) ?? null, active: true, 'mfa.enabled': false })
        .sort({ username: 1 })
        .limit(limit)
        .select({ name: 1, username: 1, role: 1, email: 1, 'mfa.mustEnrol': 1 })
        .lean<Array<Pick<UserDoc, 'name' | 'username' | 'role' | 'email' | 'mfa'> & { _id: Types.ObjectId }>>();
      return docs.map((u) => ({ id: String(u._id), name: u.name, username: u.username, role: u.role, hasEmail: Boolean(u.email?.trim()), mustEnrol: Boolean(u.mfa?.mustEnrol) }));
    },
    async ownerId(storeId) {
      const owner = await User.findOne({ storeId: oid(storeId) ?? null, role: 'owner', active: true }).sort({ _id: 1 }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }>();
      return owner ? String(owner._id) : undefined;
    },
    async isDone(key, now) {
      const marker = await ConsumedMarker.findById(key).select({ expiresAt: 1 }).lean<{ expiresAt: Date }>();
      return Boolean(marker && marker.expiresAt > now);
    },
    async markDone(key, expiresAt) {
      // another instance that did the same work may have marked it first: that is as good
      await once.claim({ key, expiresAt, owner: 'rollout' });
    },
    claim: (key, expiresAt) => once.claim({ key, expiresAt }),
  };
}
