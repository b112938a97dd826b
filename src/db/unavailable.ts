// Whether an error means "the database is not there right now", whichever layer reports it: the driver (no server,
// a broken connection), or FerretDB answering InternalError because PostgreSQL under it is down or restarting. Such an
// error is not the user's fault and not a bug: the caller answers 503 and logs it through src/db/outage-log.ts.

// The driver's names for "no server" and "the connection broke".
const UNAVAILABLE = new Set([
  'DatabaseUnavailable',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
]);

const LOST_CONNECTION = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|connection \S+ (to \S+ )?closed|Topology is closed/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; codeName?: unknown; cause?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  if (UNAVAILABLE.has(name)) return true;
  // FerretDB reports every PostgreSQL failure (down, restarting, connection lost) as InternalError, through whichever
  // error class the driver uses for the command: MongoServerError, MongoBulkWriteError, MongoWriteConcernError ...
  if (name.startsWith('Mongo') && e.codeName === 'InternalError') return true;
  // a batch of writes reports a broken connection as a bulk error carrying the socket's message
  if (name.startsWith('Mongo') && typeof e.message === 'string' && LOST_CONNECTION.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

const causeOf = (err: unknown): unknown => (typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined);

/** The first line of a database error's message without FerretDB's Go source frames (`[file.go:12 pkg.Func]`). */
export function databaseReason(err: unknown): string {
  // the innermost cause says what happened (a wrapper only says that it did)
  let inner = err;
  for (let depth = 0; depth < 5 && typeof causeOf(inner) === 'object'; depth++) inner = causeOf(inner);
  const message = inner instanceof Error ? inner.message : String((inner as { message?: unknown } | null)?.message ?? inner);
  return (message.replace(/\[[^\]\s]+\.go:\d+ [^\]]*\]\s*/g, '').split('\n')[0] ?? '').trim().slice(0, 200);
}
