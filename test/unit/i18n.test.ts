// Translations and locale negotiation (B8: English and Dutch; ui_locales, then Accept-Language).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createI18n, keys, lookup, missingKeys, pickLocale, translate } from '../../src/http/i18n.js';

const placeholders = (entry: unknown): string[] => {
  const texts = typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, string>);
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();
};

test('B8: every user-facing string exists in both English and Dutch', () => {
  assert.deepEqual(missingKeys(), []);
  assert.ok(keys('en').length > 50);
});

test('B8: both locales use the same {placeholders} for every key, and no text is empty', () => {
  for (const key of keys('en')) {
    const en = lookup('en', key);
    const nl = lookup('nl', key);
    assert.deepEqual(placeholders(nl), placeholders(en), key);
    for (const text of [en, nl].flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e ?? {})))) {
      assert.ok(text && text.trim().length > 0, `empty text for ${key}`);
    }
  }
});

test('B8: Dutch is really translated (no value copied from English)', () => {
  const same = keys('en').filter((key) => JSON.stringify(lookup('en', key)) === JSON.stringify(lookup('nl', key)));
  assert.deepEqual(same, []);
});

test('S14/S8/S10: Dutch wording follows the reference article', () => {
  assert.equal(translate('nl', 'errors.code_invalid'), 'Ongeldige authenticatiecode ingevoerd. Probeer het opnieuw.');
  assert.equal(translate('en', 'errors.code_invalid'), 'Invalid authentication code entered. Try again.');
  assert.equal(translate('nl', 'totp-verify.remember', { days: 30 }), 'Onthoud mij op dit apparaat de komende 30 dagen');
  assert.equal(translate('en', 'totp-verify.remember', { days: 30 }), 'Remember me on this device for the next 30 days');
  assert.equal(translate('nl', 'factors.totp.lost'), 'Ik heb geen toegang tot mijn authenticatie-app');
  assert.equal(translate('nl', 'recovery.label'), 'Herstelcode');
  assert.equal(translate('nl', 'store.label'), 'Winkel-URL');
  assert.deepEqual(
    ['begin', 'next', 'confirm', 'done', 'sign_in'].map((k) => translate('nl', `common.${k}`)),
    ['Beginnen', 'Volgende', 'Bevestigen', 'Klaar', 'Inloggen'],
  );
});

test('the error keys the flow uses exist with their wording', () => {
  assert.equal(translate('en', 'errors.store_unknown'), "We couldn't find that store. Check the store URL.");
  assert.equal(translate('en', 'errors.credentials'), 'Incorrect username or password.');
  assert.equal(translate('en', 'errors.csrf'), 'This form has expired. Please try again.');
  assert.equal(translate('en', 'errors.session_expired'), 'Your sign-in took too long. Please start again.');
  assert.equal(translate('en', 'errors.password_breached'), 'This password has appeared in data breaches; choose another.');
  for (const key of [
    'recovery_invalid', 'locked', 'slow_down', 'invalid_input', 'password_mismatch', 'password_too_short',
    'password_too_long', 'password_common', 'password_context', 'must_confirm_codes', 'generic', 'not_found',
  ]) {
    assert.notEqual(lookup('en', `errors.${key}`), undefined, key);
    assert.notEqual(lookup('nl', `errors.${key}`), undefined, key);
  }
});

test('interpolation, plural forms and locale number formatting', () => {
  assert.equal(translate('en', 'errors.locked', { minutes: 15 }), 'Too many attempts. Try again in 15 minutes.');
  assert.equal(translate('en', 'errors.locked', { minutes: 1 }), 'Too many attempts. Try again in 1 minute.');
  assert.equal(translate('nl', 'errors.slow_down', { seconds: 30 }), 'Te veel pogingen. Wacht 30 seconden en probeer het opnieuw.');
  assert.match(translate('en', 'breach.found', { count: 52314 }), /52,314 times/);
  assert.match(translate('nl', 'breach.found', { count: 52314 }), /52\.314 keer/);
  assert.match(translate('en', 'breach.found', { count: 1 }), /once/);
  // a missing variable stays visible rather than silently vanishing
  assert.match(translate('en', 'logout.question_client'), /\{clientName\}/);
});

test('unknown keys fall back to the key; missing Dutch falls back to English', () => {
  assert.equal(translate('nl', 'no.such.key'), 'no.such.key');
  const dir = mkdtempSync(path.join(tmpdir(), 'i18n-'));
  try {
    writeFileSync(path.join(dir, 'en.json'), JSON.stringify({ a: { b: 'Hello {name}', c: 'Only English' } }));
    writeFileSync(path.join(dir, 'nl.json'), JSON.stringify({ a: { b: 'Hallo {name}' } }));
    const i18n = createI18n(dir);
    assert.equal(i18n.translate('nl', 'a.b', { name: 'Ann' }), 'Hallo Ann');
    assert.equal(i18n.translate('nl', 'a.c'), 'Only English');
    assert.deepEqual(i18n.missingKeys(), ['nl:a.c']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('B8: ui_locales wins (first supported tag), then Accept-Language by q-value, then English', () => {
  assert.equal(pickLocale('nl', 'en'), 'nl');
  assert.equal(pickLocale('fr-FR nl-BE en', undefined), 'nl');
  assert.equal(pickLocale('en nl', 'nl'), 'en');
  assert.equal(pickLocale('fr de', 'nl-NL,nl;q=0.9,en;q=0.8'), 'nl');
  assert.equal(pickLocale(undefined, 'fr;q=1, en;q=0.5, nl;q=0.8'), 'nl');
  assert.equal(pickLocale(undefined, 'nl;q=0.2, en-GB;q=0.9'), 'en');
  assert.equal(pickLocale(undefined, 'nl-BE'), 'nl');
  assert.equal(pickLocale(undefined, 'fr, de'), 'en');
  assert.equal(pickLocale('', ''), 'en');
  assert.equal(pickLocale(undefined, undefined), 'en');
});
