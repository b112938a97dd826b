// A real SMTP server on loopback that keeps every accepted message (parsed) and can play "down" with 4xx replies.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpMessage {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  raw: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpSink {
  port: number;
  messages: SmtpMessage[];
  /** While down, RCPT TO and DATA get a 451 temporary failure, as from a mail server that is unavailable. */
  setDown(down: boolean): void;
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor(pred: (m: SmtpMessage) => boolean, timeoutMs?: number): Promise<SmtpMessage>;
  close(): Promise<void>;
}

function temporaryFailure(): Error {
  const err = new Error('Service temporarily unavailable, try again later') as Error & { responseCode: number };
  err.responseCode = 451;
  return err;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpMessage[] = [];
  const arrivals = new EventEmitter();
  let down = false;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    // On close(), connections a pooled client keeps open are cut after 1 s instead of the default 30 s.
    closeTimeout: 1_000,
    onRcptTo(_address, _session, callback) {
      callback(down ? temporaryFailure() : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', callback);
      stream.once('end', () => {
        if (down) return callback(temporaryFailure());
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const message: SmtpMessage = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            };
            messages.push(message);
            arrivals.emit('message', message);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    messages,
    setDown(value) {
      down = value;
    },
    waitFor(pred, timeoutMs = 10_000) {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMessage = (m: SmtpMessage) => {
          if (!pred(m)) return;
          clearTimeout(timer);
          arrivals.off('message', onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          arrivals.off('message', onMessage);
          reject(new Error(`no matching email within ${timeoutMs} ms; received: ${JSON.stringify(messages.map((m) => ({ to: m.to, subject: m.subject })))}`));
        }, timeoutMs);
        arrivals.on('message', onMessage);
      });
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
