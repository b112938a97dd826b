// Entry: config -> database -> app -> listen (+ the demo POS when asked).
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { resolveDatabase } from './db/database-uri.js';
import { connectDatabase } from './db/connect.js';
import { createApp } from './app.js';
import { listen } from './http/listen.js';
import { createMetrics } from './metrics/registry.js';
import { startMetricsServer } from './metrics/server.js';
import { describeSeeded, seedDemo } from './seed.js';
import { startDemoPos } from './demo/pos.js';
import { createMailWorker, mailDelivery } from './mail/index.js';
import { mongoOutboxBacklog } from './models/stores/outbox.js';
import { startRolloutJob } from './rollout/job.js';
import { startHousekeeping } from './db/housekeeping.js';
import { mongoRecoveryCodes } from './models/stores/recovery-codes.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, { pretty: !config.production && process.stdout.isTTY });

async function main() {
  const database = await resolveDatabase(config, (msg) => logger.info(msg));
  // metrics (and command monitoring, which costs a copy of every command) only when they are served
  const metrics = config.metrics.port === undefined ? undefined : createMetrics();
  const db = await connectDatabase(database.uri, { syncIndexes: database.syncIndexes, monitor: metrics?.dbMonitor });
  logger.info({ kind: db.kind }, 'database connected');
  metrics?.watchOutbox(mongoOutboxBacklog(db.models));
  // SMTP_URL's server, or in development without one the in-process catcher shown at /dev/mail
  const mail = mailDelivery(config);
  const { app, services, logoutWorker } = await createApp({ config, db, logger, observe: metrics?.observer, devMail: mail.catcher });

  if (config.seedDemo) {
    const seeded = await seedDemo(db.models, { hash: services.passwords.hash, issuePass: (user) => services.binding.issuePass(user, { actorId: null }, 'new_user') });
    // printed once, on first start only: the passwords and passes are not stored anywhere else
    if (seeded) process.stdout.write(describeSeeded(seeded));
  }

  // B6: every instance sends from the shared outbox; claims keep each email to one sender
  const mailWorker = createMailWorker({ config, models: db.models, logger, sender: mail.sender });
  mailWorker.start();
  // B16: back-channel logout tokens, from the same kind of outbox
  logoutWorker.start();
  // B21: roll-out reminders and the owner's weekly summary
  const rolloutJob = startRolloutJob(services, logger);
  // expired documents and recovery codes that never became active, removed in paced batches by one instance at a time
  const housekeeping = startHousekeeping({ models: db.models, claim: services.once.claim, clock: services.clock, logger, codes: mongoRecoveryCodes(db.models, services.clock) });

  const server = await listen(app, config.port, 'PORT', config.host);
  const metricsServer = metrics && config.metrics.port !== undefined ? await startMetricsServer(metrics.registry, config.metrics.port, config.metrics.host, config.metrics.token) : undefined;
  logger.info({ url: config.issuer, host: config.host ?? 'every interface' }, `provider listening on ${config.issuer} (${config.host ?? 'every interface'}, port ${config.port})`);
  if (mail.catcher) logger.info({ url: `${config.issuer}/dev/mail` }, `no SMTP_URL: emails are kept in memory, see ${config.issuer}/dev/mail`);
  const demo = config.demo.enabled ? await startDemoPos({ issuer: config.issuer, port: config.demo.port, host: config.host, baseUrl: config.demo.url, logger }) : undefined;
  if (demo) logger.info({ url: config.demo.url }, `demo POS on ${config.demo.url}`);

  const shutdown = async () => {
    server.close();
    metricsServer?.close();
    await mailWorker.stop();
    await logoutWorker.stop();
    await rolloutJob.stop();
    await housekeeping.stop();
    await demo?.close();
    await db.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  logger.fatal({ err: { message: (err as Error).message } }, (err as Error).message);
  process.exit(1);
});
