// Removes expired documents (housekeeping only: every read checks expiry itself). The big collections go by expiry
// hour (src/db/expiry.ts): each past hour is one exact, index-backed delete. The first sweep of a process, and the
// small collections every time, use the plain `expiresAt <= now` filter, which scans on FerretDB.
import { BUCKET_MS } from './expiry.js';
import { BUCKETED, EXPIRING, type Models } from '../models/index.js';

type Deletable = { deleteMany(filter: object): Promise<unknown> };

export function createSweeper(models: Models) {
  let swept: number | undefined;
  const model = (name: keyof Models) => models[name] as unknown as Deletable;
  return {
    async sweep(now: Date): Promise<void> {
      const hour = Math.floor(now.getTime() / BUCKET_MS);
      const last = swept;
      for (const name of EXPIRING) {
        if (last === undefined || !BUCKETED.includes(name)) {
          await model(name).deleteMany({ expiresAt: { $lte: now } });
          continue;
        }
        // hour 0 holds what was deleted by marking it expired at the epoch; then every full hour since the last sweep
        await model(name).deleteMany({ expiresBucket: 0 });
        for (let bucket = last + 1; bucket < hour; bucket++) await model(name).deleteMany({ expiresBucket: bucket });
      }
      swept = hour - 1;
    },
  };
}
