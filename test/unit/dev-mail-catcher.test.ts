// The development mail catcher (issue 12 item 5): the message nodemailer composes, newest first, at most 200 kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATCHER_KEEPS, createMailCatcher } from '../../src/mail/dev-catcher.js';

const mail = (i: number) => ({ messageId: `<m${i}@pos.test>`, to: `user${i}@example.test`, subject: `Notice ${i}`, text: `Text ${i}`, html: `<p>HTML ${i}</p>` });

test('keeps the newest 200 emails, newest first, each with the composed message source', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const catcher = createMailCatcher({ from: 'POS Sign-in <no-reply@pos.test>', clock: () => new Date(now) });
  for (let i = 0; i < CATCHER_KEEPS + 5; i++) {
    now += 1000;
    await catcher.sender.send(mail(i));
  }
  const kept = catcher.list();
  assert.equal(CATCHER_KEEPS, 200);
  assert.equal(kept.length, 200);
  assert.equal(kept[0]!.subject, 'Notice 204');
  assert.equal(kept.at(-1)!.subject, 'Notice 5');
  assert.ok(kept[0]!.at > kept[1]!.at);
  assert.equal(new Set(kept.map((m) => m.id)).size, 200, 'each has its own id');
  const source = kept[0]!.source;
  assert.match(source, /^From: "POS Sign-in" <no-reply@pos\.test>$/m);
  assert.match(source, /^To: user204@example\.test$/m);
  assert.match(source, /^Message-ID: <m204@pos\.test>$/m);
  assert.match(source, /^Auto-Submitted: auto-generated$/m);
  assert.match(source, /Content-Type: multipart\/alternative/);
  // a copy: the page cannot change what is kept
  kept.length = 0;
  assert.equal(catcher.list().length, 200);
});
