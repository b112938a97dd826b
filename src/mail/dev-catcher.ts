// Development without a mail server (no SMTP_URL, never in production): the outbox worker hands each email to
// nodemailer's stream transport, which composes the same MIME message SMTP would carry, and the newest ones are kept
// in memory for the /dev/mail page (src/mail/dev-mail-router.ts).
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { messageOf, type MailSender } from './transport.js';

export interface CapturedMail {
  id: string;
  at: Date;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The message as composed for delivery (headers and MIME parts). */
  source: string;
}

export interface MailCatcher {
  /** The outbox worker's sender. */
  sender: MailSender;
  /** Newest first. */
  list(): CapturedMail[];
}

export const CATCHER_KEEPS = 200;

export function createMailCatcher(opts: { from: string; keep?: number; clock?: () => Date }): MailCatcher {
  const keep = opts.keep ?? CATCHER_KEEPS;
  const clock = opts.clock ?? (() => new Date());
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const mails: CapturedMail[] = [];
  return {
    sender: {
      async send(mail) {
        const info = await transport.sendMail(messageOf(opts.from, mail));
        mails.unshift({ id: randomUUID(), at: clock(), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, source: info.message.toString('utf8') });
        mails.length = Math.min(mails.length, keep);
      },
      close() {
        transport.close();
      },
    },
    list: () => [...mails],
  };
}
