// Expiry buckets: the big expiring collections also store the minute their documents expire in, so the sweeper finds
// what expired with an exact, index-backed filter instead of scanning for `expiresAt <= now` (FerretDB cannot push a
// range down). Reads never rely on it: they check expiresAt themselves.
export const BUCKET_MS = 60_000;

export const expiryBucket = (expiresAt: Date | null | undefined): number | null => (expiresAt ? Math.floor(expiresAt.getTime() / BUCKET_MS) : null);

// Earlier versions bucketed by the hour (about 491 000 since 1970; minutes are about 29.5 million): documents they wrote
// sit in hour buckets, which the sweeper empties once their hour has passed.
export const HOUR_BUCKET_MINUTES = 60;
