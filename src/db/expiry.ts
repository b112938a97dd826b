// Expiry buckets: the big expiring collections also store the hour their documents expire in, so the sweeper deletes
// a past hour with one exact, index-backed filter instead of scanning for `expiresAt <= now` (FerretDB cannot push a
// range down). Reads never rely on it: they check expiresAt themselves.
export const BUCKET_MS = 3_600_000;

export const expiryBucket = (expiresAt: Date | null | undefined): number | null => (expiresAt ? Math.floor(expiresAt.getTime() / BUCKET_MS) : null);
