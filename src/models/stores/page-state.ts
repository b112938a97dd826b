// Mongo implementation of the account pages' state port: one JSON document per key, gone an hour after its last write.
import type { Models } from '../index.js';
import type { PageStatePort } from '../../account/state.js';

const TTL_MS = 60 * 60 * 1000;

export function mongoPageState({ FlowState: Pages }: Models, clock: () => Date): PageStatePort {
  return {
    async load(key) {
      const doc = await Pages.findOne({ _id: key, expiresAt: { $gt: clock() } }).lean();
      return doc ? (JSON.parse(doc.data) as unknown) : undefined;
    },
    async save(key, data) {
      await Pages.updateOne({ _id: key }, { $set: { data: JSON.stringify(data), expiresAt: new Date(clock().getTime() + TTL_MS) } }, { upsert: true });
    },
    async remove(key) {
      await Pages.deleteOne({ _id: key });
    },
  };
}
