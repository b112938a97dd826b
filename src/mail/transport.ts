// SMTP delivery through nodemailer (pooled), from config.mail.smtpUrl and config.mail.from; bounded timeouts so a send never hangs.
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  /** Stable across retries: the same notice resent after a crash carries the same Message-ID, so mail systems can fold duplicates. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Domain for Message-IDs: the sender's domain, else localhost. */
export function senderDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

/** The nodemailer message for an outgoing email, the same for every transport. */
export function messageOf(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    // RFC 3834: automatic mail, so out-of-office replies stay away
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  };
}

export function createSmtpSender(opts: { smtpUrl: string; from: string }): MailSender {
  // url values win over these defaults, so SMTP_URL can still tune anything (e.g. ?pool=false)
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transport.sendMail(messageOf(opts.from, mail));
    },
    close() {
      transport.close();
    },
  };
}
