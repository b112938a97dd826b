// Expiry buckets: the big expiring collections also store the 10 seconds their documents expire in, so the sweeper
// finds what expired with an exact, index-backed filter instead of scanning for `expiresAt <= now` (FerretDB cannot push
// a range down). Small buckets keep each delete small: FerretDB reads every document of the bucket a delete names.
// Reads never rely on it: they check expiresAt themselves.
export const BUCKET_MS = 10_000;

export const expiryBucket = (expiresAt: Date | null | undefined): number | null => (expiresAt ? Math.floor(expiresAt.getTime() / BUCKET_MS) : null);

// Earlier versions bucketed by the hour (about 499 000 since 1970, where 10-second buckets are about 180 million):
// documents they wrote sit in hour buckets, which the sweeper empties once their hour has passed.
export const BUCKETS_PER_HOUR = 3_600_000 / BUCKET_MS;
export const isHourBucket = (bucket: number) => bucket < 10_000_000;
