// The browser tests' one set-up: the real provider on its own database (startStack) on a clock the test moves, the
// demo POS, Chromium, and mail when asked; every port is a free one and every file in a folder of its own.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { startDemoPos } from '../../../src/demo/pos.js';
import { clientsFileWith } from '../../helpers/clients-file.js';
import { type TestClock, testClock } from '../../helpers/clocked-app.js';
import { freePort } from '../../helpers/free-port.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { type Stack, startStack } from '../../helpers/stack.js';
import { type Browsing, openBrowser } from './browsing.js';
import { appOnClock, type CodeSource, createTestStore, type TestStore } from './people.js';
import type { Site } from './sign-in.js';

export { addPasskey, answerSignIn, enrolInWizard, openPosSignIn, type SecondFactor, signInAtPos, signInToAccount, signInToAdmin, type Site } from './sign-in.js';
export type { Person, StoreUser } from './people.js';
export { VirtualAuthenticator } from './virtual-authenticator.js';
export { type Browsing, openBrowser } from './browsing.js';

export interface E2eOptions {
  /** Relying parties besides the shipped ones, in a clients file of this harness's own. */
  clients?: Record<string, unknown>[];
  /**
   * Mail through the real outbox, sent when the test says (sendMail): 'smtp' to a real SMTP server (e2e.smtp), 'dev' to
   * the development catcher at /dev/mail as `npm start` without SMTP_URL does. Default: notifications are only recorded
   * (stack.notifications).
   */
  mail?: 'smtp' | 'dev';
}

export interface E2e extends Site, Browsing {
  stack: Stack;
  /** The provider's clock: the test moves it on (later) instead of waiting. */
  clock: TestClock;
  /** The SMTP server that receives the provider's mail, with `mail: 'smtp'`. */
  smtp?: SmtpSink;
  /** A store of the test's, to which people are added with their role. */
  store(prefix: string, fields?: Record<string, unknown>): Promise<TestStore>;
  /** An authenticator app with this secret (as read from the enrolment page), on the provider's clock. */
  appFor(secret: string): CodeSource;
  /** Sends what the mail outbox holds now (with `mail`), once the requests' after-answer work is done. */
  sendMail(): Promise<void>;
  close(): Promise<void>;
}

export async function startE2e(opts: E2eOptions = {}): Promise<E2e> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const clock = testClock();
    const smtp = opts.mail === 'smtp' ? await startSmtpSink() : undefined;
    if (smtp) closers.push(() => smtp.close());
    const clientsFile = opts.clients && (await clientsFileWith(opts.clients));
    if (clientsFile) closers.push(() => rm(path.dirname(clientsFile), { recursive: true, force: true }));
    const demoPort = await freePort();
    const demoUrl = `http://localhost:${demoPort}`;
    const env = {
      DEMO_URL: demoUrl,
      ...(smtp && { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }),
      ...(clientsFile && { CLIENTS_FILE: clientsFile }),
    };
    const stack = await startStack(env, { clock: clock.now, outbox: opts.mail ? { pollMs: 0 } : false });
    closers.push(() => stack.close());
    const demo = await startDemoPos({ issuer: stack.issuer, port: demoPort, baseUrl: demoUrl, logger: pino({ level: 'silent' }) });
    closers.push(() => demo.close());
    const browsing = await openBrowser();
    closers.push(() => browsing.close());
    return {
      ...browsing,
      stack,
      clock,
      smtp,
      issuer: stack.issuer,
      demoUrl,
      store: (prefix, fields) => createTestStore(stack, clock, prefix, fields),
      appFor: (secret) => appOnClock(secret, clock),
      async sendMail() {
        await stack.settled();
        await stack.outbox?.drain();
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
