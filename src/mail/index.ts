// Email notifications (S4, S6, B6), wired from configuration: the outbox notifier, the outbox worker, the verify-email route.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Models } from '../models/index.js';
import type { DeploymentSecrets } from '../provider/deployment-secrets.js';
import type { Notifier } from '../services/notifications/index.js';
import { storeRecords, userRecords } from '../models/stores/user-records.js';
import { mongoUserDirectory } from '../models/stores/user-directory.js';
import { mongoAudit } from '../models/stores/misc.js';
import { mongoOutbox, mongoOwnerLookup } from '../models/stores/outbox.js';
import { createEmailRenderer } from './render.js';
import { createOutboxNotifier } from './notifier.js';
import { createEmailWorker, type OutboxWorker } from './worker.js';
import { createSmtpSender, senderDomain, type MailSender } from './transport.js';
import { createVerifyLinks } from './verify-link.js';
import { createUnlockLinks } from './unlock-link.js';
import { createMailCatcher, type MailCatcher } from './dev-catcher.js';
import { PROJECT_ROOT } from '../root.js';

export interface MailNotifierDeps {
  config: Config;
  models: Models;
  secrets: DeploymentSecrets;
  logger: Logger;
  clock?: () => Date;
}

/** The Notifier the services call: one outbox insert per change, in the same request (B6). */
export function createMailNotifier(deps: MailNotifierDeps): Notifier {
  const clock = deps.clock ?? (() => new Date());
  return createOutboxNotifier({
    users: mongoUserDirectory(userRecords(deps.models), storeRecords(deps.models)),
    ownerOf: mongoOwnerLookup(deps.models),
    outbox: mongoOutbox(deps.models, 'mail'),
    renderer: createEmailRenderer({ root: PROJECT_ROOT }),
    links: createVerifyLinks({ cookieKeys: deps.secrets.cookieKeys, clock }),
    unlockLinks: createUnlockLinks({ cookieKeys: deps.secrets.cookieKeys, clock }),
    audit: mongoAudit(deps.models),
    logger: deps.logger,
    clock,
    issuer: deps.config.issuer,
    productName: deps.config.productName,
    supportEmail: deps.config.mail.supportEmail,
  });
}

export interface MailWorkerDeps {
  config: Config;
  models: Models;
  logger: Logger;
  /** Poll interval (default 2 s). */
  pollMs?: number;
  clock?: () => Date;
  /** Defaults to SMTP from config.mail (mailDelivery below). */
  sender?: MailSender;
}

/**
 * Where emails go: SMTP_URL's server, or, without one (never in production: src/config.ts refuses that), the
 * in-process catcher whose emails the /dev/mail page shows.
 */
export function mailDelivery(config: Pick<Config, 'mail' | 'production'>): { sender: MailSender; catcher?: MailCatcher } {
  const { smtpUrl, from } = config.mail;
  if (smtpUrl) return { sender: createSmtpSender({ smtpUrl, from }) };
  if (config.production) throw new Error('SMTP_URL is required in production');
  const catcher = createMailCatcher({ from });
  return { sender: catcher.sender, catcher };
}

/** An outbox worker over SMTP; every instance of the provider runs one, claims keep each email to one sender. */
export function createMailWorker(deps: MailWorkerDeps): OutboxWorker {
  return createEmailWorker({
    outbox: mongoOutbox(deps.models, 'mail'),
    sender: deps.sender ?? mailDelivery(deps.config).sender,
    logger: deps.logger,
    clock: deps.clock,
    pollMs: deps.pollMs,
    messageIdDomain: senderDomain(deps.config.mail.from),
  });
}

export { verifyEmailRouter } from './verify-router.js';
export { unlockRouter } from './unlock-router.js';
export { createVerifyLinks, VERIFY_TTL_MS, type VerifyLinks } from './verify-link.js';
export { createUnlockLinks, type UnlockLinks } from './unlock-link.js';
export { devMailRouter } from './dev-mail-router.js';
export type { MailCatcher, CapturedMail } from './dev-catcher.js';
export type { OutboxWorker } from './worker.js';
