// Email's kind of outbox delivery (B6): sent over SMTP with a stable Message-ID, retried for ever.
import type { Logger } from 'pino';
import type { OutboxPort } from '../outbox/ports.js';
import { outboxWorker } from '../outbox/worker.js';
import type { DrainLoop } from '../outbox/drain-loop.js';
import type { MailSender } from './transport.js';

export interface OutboxWorker extends DrainLoop {
  /** Stops polling, waits for a running poll, closes the transport. */
  stop(): Promise<void>;
}

export interface MailWorkerPorts {
  outbox: OutboxPort<'mail'>;
  sender: MailSender;
  logger: Logger;
  clock?: () => Date;
  pollMs?: number;
  /** Domain of the Message-IDs (stable per message). */
  messageIdDomain: string;
}

export function createEmailWorker(deps: MailWorkerPorts): OutboxWorker {
  const loop = outboxWorker({
    ...deps,
    kind: {
      kind: 'mail',
      deliver: (m) => deps.sender.send({ messageId: `<${m.id}@${deps.messageIdDomain}>`, to: m.to, subject: m.subject, text: m.text, html: m.html }),
      describe(err) {
        const e = err as { message?: string; responseCode?: number; code?: string };
        return [e.responseCode ?? e.code, e.message].filter(Boolean).join(' ');
      },
      // no address, subject or body in the log: the body may carry a verify link
      async report(m, r) {
        if (r.outcome === 'sent') deps.logger.info({ outboxId: m.id, attempt: r.attempt }, 'email sent');
        else deps.logger.warn({ outboxId: m.id, ...r }, 'email not accepted; will retry');
      },
    },
  });
  return {
    ...loop,
    async stop() {
      await loop.stop();
      deps.sender.close();
    },
  };
}
