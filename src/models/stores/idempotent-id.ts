// The ObjectId an idempotency key stands for: the same key always names the same document, so a repeated insert of
// it fails as a duplicate instead of recording twice.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

export const idFor = (key: string) => new Types.ObjectId(createHash('sha256').update(key).digest().subarray(0, 12).toString('hex'));

export const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;
