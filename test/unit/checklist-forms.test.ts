// What every page and the user record leave out or allow (checklist 6, 10): no password hints or security questions
// anywhere, and password fields that password managers and paste can fill (type=password, autocomplete, a show
// toggle, nothing that blocks paste). Every page state of render.fixtures.ts, in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRenderer } from '../../src/http/render.js';
import { userModel } from '../../src/models/user.js';
import mongoose from 'mongoose';
import { sampleViews } from './render.fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const renderer = createRenderer({ root, productName: 'POS Sign-in' });
const pages = (await sampleViews()).flatMap(([name, template, view]) => (['en', 'nl'] as const).map((locale) => ({ name: `${name}/${locale}`, html: renderer.page(template, view, locale) })));
const filesUnder = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

// what a hint or a knowledge question would be called, in English and Dutch
const HINTS_AND_QUESTIONS = /password hint|wachtwoordhint|hint for your password|security question|secret question|geheime vraag|beveiligingsvraag|veiligheidsvraag|maiden name|meisjesnaam|first pet|eerste huisdier|memorable (word|place)/i;

test('checklist 6: no password hints or security questions in any page, email, text or the user record', () => {
  const texts = [...filesUnder('templates'), ...filesUnder('locales')];
  assert.ok(texts.length > 50, `${texts.length} template and locale files`);
  for (const file of texts) assert.doesNotMatch(readFileSync(path.join(root, file), 'utf8'), HINTS_AND_QUESTIONS, file);
  for (const { name, html } of pages) {
    for (const field of html.matchAll(/<(input|textarea|select)\b[^>]*name="([^"]+)"/g)) {
      assert.doesNotMatch(field[2]!, /hint|question|answer|reminder/i, `${name}: field ${field[2]}`);
    }
  }
  // nothing to keep one in
  const User = userModel(mongoose.createConnection());
  const paths = Object.keys(User.schema.paths);
  assert.ok(paths.includes('passwordHash'));
  assert.deepEqual(
    paths.filter((p) => /hint|question|answer|reminder/i.test(p)),
    [],
  );
});

test('checklist 10: every password field is type=password with an autocomplete hint and a show toggle; nothing blocks paste', () => {
  let fields = 0;
  for (const { name, html } of pages) {
    for (const input of html.matchAll(/<input\b[^>]*>/g)) {
      const tag = input[0];
      const fieldName = /name="([^"]+)"/.exec(tag)?.[1] ?? '';
      if (!/password/.test(fieldName)) continue;
      fields++;
      assert.match(tag, /type="password"/, `${name}: ${fieldName}`);
      assert.match(tag, /autocomplete="(current-password|new-password)"/, `${name}: ${fieldName} says which password managers fill`);
      assert.doesNotMatch(tag, /on(paste|copy|cut|drop)=|autocomplete="off"/i, `${name}: ${fieldName}`);
      const id = /id="([^"]+)"/.exec(tag)?.[1];
      assert.ok(id && html.includes(`data-toggle-password="${id}"`), `${name}: ${fieldName} has a show toggle`);
    }
    assert.doesNotMatch(html, /on(paste|copy)=/i, name);
  }
  assert.ok(fields >= 20, `${fields} password fields checked`);
  // the pages' own scripts never listen for paste, copy or drop
  for (const file of filesUnder('public').filter((f) => f.endsWith('.js'))) {
    assert.doesNotMatch(readFileSync(path.join(root, file), 'utf8'), /addEventListener\(\s*['"](paste|copy|cut|drop)['"]|on(paste|drop)\b/, file);
  }
  // the show toggle only switches the type (public/app.js)
  assert.match(readFileSync(path.join(root, 'public/app.js'), 'utf8'), /input\.type = visible \? 'text' : 'password'/);
});
