// npm run db: the embedded database (PostgreSQL with FerretDB on it) as a process of its own, which any number of local
// provider instances use through MONGODB_URI. Both servers are supervised (restarted when one dies) and stop with this
// process; a provider instance that dies takes nothing with it. For development: production runs on MongoDB.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { connectDatabase } from './connect.js';
import { startEmbeddedDatabase } from './embedded.js';
import { reportedOutage } from './outage-log.js';

// A newer provider may declare an index after this started: its index-backed twin follows within a minute. The timer
// also keeps this process running (the servers' pipes do not): FerretDB exits when this process does.
const SYNC_INDEXES_EVERY_MS = 60_000;

const config = loadConfig();
const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY });

async function main() {
  const dataDir = path.resolve(config.dataDir);
  const database = await startEmbeddedDatabase({ dataDir, port: config.embeddedDbPort, log: (msg) => logger.info(msg) });
  // the models' indexes and their twins exist before any provider connects (a provider on MONGODB_URI cannot make the twins)
  const db = await connectDatabase(database.uri, { syncIndexes: () => database.syncIndexes() });
  await db.close();
  const timer = setInterval(() => {
    database.syncIndexes().catch((err: Error) => {
      if (!reportedOutage(logger, err, 'index sync')) logger.warn({ err: { message: err.message } }, 'index sync failed; it runs again in a minute');
    });
  }, SYNC_INDEXES_EVERY_MS);
  // the line to copy (and what tests and scripts wait for)
  process.stdout.write(`MONGODB_URI=${database.uri}\n`);
  logger.info({ uri: database.uri, dataDir }, `embedded database ready: start each provider with MONGODB_URI=${database.uri}`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: Error) => {
  logger.fatal({ err: { message: err.message } }, err.message);
  process.exit(1);
});
