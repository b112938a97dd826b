// Mail you can see in development (issue 12 item 5): without SMTP_URL outside production the real outbox hands its
// emails to the in-process catcher and /dev/mail shows them; in production SMTP_URL is required and the page does
// not exist. Real HTTP, the real database and outbox worker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, textOf } from '../helpers/agent.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { beginSignIn, startStack, type Stack } from '../helpers/stack.js';
import { freePort } from '../helpers/free-port.js';
import pino from 'pino';
import { startDemoPos } from '../../src/demo/pos.js';
import { loadConfig } from '../../src/config.js';
import { mailDelivery } from '../../src/mail/index.js';
import { createMailCatcher } from '../../src/mail/dev-catcher.js';
import { secretGenerators } from '../../src/provider/deployment-secrets.js';

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('development mail catcher at /dev/mail (issue 12 item 5)', () => {
  let stack: Stack;
  let storeId: string;

  before(async () => {
    // no SMTP_URL and not production: what `npm start` does on a fresh clone
    stack = await startStack({}, { outbox: true });
    // a British store: its users' mail is in English
    storeId = await stack.createStore('deli', { country: 'GB' });
  });
  after(() => stack.close());

  const devMail = async (headers: Record<string, string> = {}) => {
    const res = await new Agent().request(`${stack.issuer}/dev/mail`, { headers });
    assert.equal(res.status, 200);
    return res;
  };

  it('without SMTP_URL the outbox delivers to the catcher, and /dev/mail shows the verification email with its working link', async () => {
    assert.ok(stack.devMail, 'the stack runs the catcher, as src/main.ts does');
    const empty = await devMail();
    assert.match(textOf(empty.body), /No emails yet/);

    const ownerId = await stack.createUser(storeId, 'otto', 'owner', 'owner passphrase 2026', { name: 'Otto Owner' });
    await stack.enrol(ownerId, 'deli', 'otto');
    // the worker polls every 100 ms: wait for the email to arrive
    let page = await devMail();
    for (let i = 0; i < 100 && !/verify-email/.test(page.body); i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await devMail();
    }
    assert.match(page.body, /<h2 class="dev-mail-subject">[^<]*(?:authenticat|MFA|two-step|sign-in)[^<]*<\/h2>/i);
    assert.match(page.body, /<dd class="dev-mail-to">otto@example\.test<\/dd>/);
    assert.match(page.body, /<time datetime="\d{4}-\d\d-\d\dT[^"]+">/);
    assert.match(textOf(page.body), /1 email, newest first/);
    // the text part, the HTML in a sandboxed frame without scripts, and the raw message
    assert.match(decode(page.body), /<pre class="dev-mail-text">[^<]*Verify email address: http:\/\/localhost:\d+\/account\/verify-email\?token=/);
    const frame = /<iframe class="dev-mail-html"[^>]*sandbox="([^"]*)"[^>]*srcdoc="([^"]*)"/.exec(page.body);
    assert.ok(frame, 'the HTML part is in an iframe');
    assert.equal(frame[1], 'allow-popups allow-popups-to-escape-sandbox');
    const html = decode(frame[2]!);
    assert.match(html, /^<base target="_blank">/, 'links in the frame open outside it');
    // the email's own markup, as the notifications test sees it over SMTP ("=" written as an entity)
    assert.match(html, /<a href="http:\/\/localhost:\d+\/account\/verify-email\?token&#x3D;[^"]+"[^>]*>Verify email address<\/a>/);
    assert.match(page.body, /Auto-Submitted: auto-generated/, 'the message source as composed for delivery');
    // inline styles for the email, still no inline scripts, and the page itself cannot be framed
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /style-src 'self' 'unsafe-inline'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('cache-control'), 'no-store');

    // the listed link is clickable and does what the email says
    const link = /<ul class="dev-mail-links">\s*<li><a href="([^"]+)" target="_blank" rel="noopener">/.exec(page.body)?.[1];
    assert.ok(link && /\/account\/verify-email\?token=/.test(decode(link)), 'the link is listed');
    const verified = await new Agent().request(decode(link));
    assert.equal(verified.status, 200);
    assert.match(textOf(verified.body), /Email address verified/i);
    assert.equal((await stack.db.models.User.findById(ownerId).lean())!.emailVerified, true);
  });

  it('newest first, in Dutch for a Dutch browser', async () => {
    const userId = await stack.createUser(storeId, 'nina', 'admin', 'admin passphrase 2026', { name: 'Nina', locale: 'nl', localeChosen: true });
    await stack.enrol(userId, 'deli', 'nina');
    let page = await devMail({ 'accept-language': 'nl' });
    for (let i = 0; i < 100 && !/nina@example\.test/.test(page.body); i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await devMail({ 'accept-language': 'nl' });
    }
    assert.match(page.body, /<html lang="nl">/);
    assert.match(textOf(page.body), /Ontwikkelmail/);
    assert.match(textOf(page.body), /2 e-mails, nieuwste eerst/);
    const recipients = [...page.body.matchAll(/<dd class="dev-mail-to">([^<]+)<\/dd>/g)].map((m) => m[1]);
    assert.deepEqual(recipients, ['nina@example.test', 'otto@example.test']);
  });

  it('issue 23: the sign-in pages and the demo POS point to /dev/mail, in the page\'s language; the mail page itself does not', async () => {
    const english = await beginSignIn(stack, new Agent({ 'accept-language': 'en' }));
    assert.match(english.page.body, /<p class="dev-mail-note">Development: no mail server is set, so emails are not delivered\. <a href="\/dev\/mail">See the emails at \/dev\/mail<\/a><\/p>/);
    const dutch = await beginSignIn(stack, new Agent(), { ui_locales: 'nl' });
    assert.match(dutch.page.body, /Ontwikkeling: er is geen mailserver ingesteld, dus e-mails worden niet bezorgd\. <a href="\/dev\/mail">Bekijk de e-mails op \/dev\/mail<\/a>/);
    assert.doesNotMatch((await devMail()).body, /dev-mail-note/);

    const port = await freePort();
    const demo = await startDemoPos({ issuer: stack.issuer, port, baseUrl: `http://localhost:${port}`, logger: pino({ level: 'silent' }), devMailUrl: `${stack.issuer}/dev/mail` });
    try {
      const register = await new Agent().request(`http://localhost:${port}/?lang=nl`);
      assert.match(register.body, new RegExp(`<a id="dev-mail" href="${stack.issuer}/dev/mail">Bekijk de e-mails op /dev/mail</a>`));
    } finally {
      await demo.close();
    }
  });
});

describe('production: SMTP_URL required, no /dev/mail (issue 12 item 5)', () => {
  let stack: Stack;
  let sink: SmtpSink;
  let dir: string;

  before(async () => {
    sink = await startSmtpSink();
    dir = await mkdtemp(path.join(os.tmpdir(), 'dev-mail-prod-'));
    // production refuses the development client secrets: the same registry with our own
    const clients = path.join(dir, 'clients.json');
    await writeFile(clients, (await readFile('config/clients.json', 'utf8')).replaceAll('change-me-in-production', 'prod-secret-0123456789'));
    const secrets = { SIGNING_JWKS: secretGenerators.signingJwks(), COOKIE_KEYS: secretGenerators.cookieKeys(), TOTP_KEYS: secretGenerators.totpKeys(), RECOVERY_PEPPER: secretGenerators.recoveryPepper() };
    stack = await startStack(
      { NODE_ENV: 'production', SMTP_URL: `smtp://127.0.0.1:${sink.port}`, CLIENTS_FILE: clients, ...secrets },
      // even handed a catcher (a wiring mistake), production must not serve the page
      { outbox: { pollMs: 0 }, devMail: createMailCatcher({ from: 'x@example.test' }) },
    );
  });
  after(async () => {
    await stack?.close();
    await sink?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the configuration without SMTP_URL does not load, with a message that says what to set', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), (err: Error) => {
      assert.match(err.message, /^Invalid configuration:\n {2}SMTP_URL: required when NODE_ENV=production \(e\.g\. smtp:\/\/user:password@mail\.example\.com:587\)/);
      return true;
    });
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: '' }), /SMTP_URL: required when NODE_ENV=production/);
    assert.throws(() => mailDelivery({ production: true, mail: { smtpUrl: undefined, from: 'a@b.test', supportEmail: 'c@d.test' } }), /SMTP_URL is required in production/);
    // outside production the same configuration loads and means "catch mail in memory"
    assert.equal(loadConfig({}).mail.smtpUrl, undefined);
    assert.ok(mailDelivery(loadConfig({})).catcher);
  });

  it('GET /dev/mail is 404 in production, and the outbox sends over SMTP', async () => {
    assert.equal(stack.config.production, true);
    const res = await new Agent().request(`${stack.issuer}/dev/mail`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body, /Development mail|dev-mail/);
    assert.equal((await fetch(`${stack.issuer}/healthz`)).status, 200);
    // issue 23: no page points to it
    assert.doesNotMatch((await beginSignIn(stack, new Agent())).page.body, /dev-mail|\/dev\/mail/);

    const storeId = await stack.createStore('prod', { country: 'GB' });
    const ownerId = await stack.createUser(storeId, 'pia', 'owner', 'owner passphrase 2026');
    await stack.enrol(ownerId, 'prod', 'pia');
    assert.equal((await stack.outbox!.drain()).sent, 1);
    assert.deepEqual((await sink.waitFor((m) => m.to.includes('pia@example.test'))).to, ['pia@example.test']);
    assert.deepEqual(stack.devMail?.list(), [], 'nothing went to the catcher');
  });
});
