// Picks the database: MONGODB_URI when set, else the embedded FerretDB under DATA_DIR.
import path from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedMongo } from './embedded.js';

export async function resolveDatabaseUri(config: Config, log: (msg: string) => void): Promise<{ uri: string; stop(): Promise<void> }> {
  if (config.mongodbUri) return { uri: config.mongodbUri, stop: async () => undefined };
  log(`MONGODB_URI is not set: starting the embedded FerretDB (data in ${path.resolve(config.dataDir)})`);
  return startEmbeddedMongo({ dataDir: path.resolve(config.dataDir, 'ferretdb'), port: config.embeddedDbPort, log });
}
