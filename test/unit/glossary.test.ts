// One word per thing (issue 23, B8): locales/glossary.json names each term's one translation (from the Dutch seed
// article where it has one); no locale text may use a term's other spelling, and each translation is in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientLabel } from '../../src/http/client-names.js';
import { sessionRows } from '../../src/http/session-rows.js';
import type { SessionView } from '../../src/services/sessions/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

interface Term {
  en: string;
  nl: string;
  source: 'article' | 'ours';
  avoid: Partial<Record<'en' | 'nl', string[]>>;
}
const glossary = JSON.parse(readFileSync(path.join(dir, 'glossary.json'), 'utf8')) as { terms: Term[] };

/** Every text of one language, as file and key path, with its {placeholders} taken out (they are names, not words). */
function textsOf(locale: 'en' | 'nl'): { where: string; text: string }[] {
  const files = readdirSync(dir).filter((f) => f === `${locale}.json` || f.endsWith(`.${locale}.json`));
  const out: { where: string; text: string }[] = [];
  const walk = (file: string, value: unknown, at: string) => {
    if (typeof value === 'string') out.push({ where: `${file} ${at}`, text: value.replace(/\{[^{}]*\}/g, ' ') });
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(file, v, at ? `${at}.${k}` : k);
  };
  for (const file of files) walk(file, JSON.parse(readFileSync(path.join(dir, file), 'utf8')), '');
  return out;
}

for (const locale of ['en', 'nl'] as const) {
  test(`issue 23: no ${locale} text uses a glossary term's other spelling`, () => {
    const texts = textsOf(locale);
    assert.ok(texts.length > 500, 'the locale files were read');
    const found: string[] = [];
    for (const term of glossary.terms) {
      for (const pattern of term.avoid[locale] ?? []) {
        const other = new RegExp(pattern, 'iu');
        for (const { where, text } of texts) if (other.test(text)) found.push(`${where}: "${other.exec(text)?.[0]}" instead of "${term[locale]}"`);
      }
    }
    assert.deepEqual(found, []);
  });
}

test('issue 23: each Dutch translation in the glossary is the one the Dutch pages use', () => {
  const dutch = textsOf('nl').map((t) => t.text.toLowerCase());
  for (const term of glossary.terms) {
    const word = term.nl.split(',')[0]!.toLowerCase();
    assert.ok(dutch.some((text) => text.includes(word)), `"${term.nl}" (${term.en}) appears in locales/*nl.json`);
  }
});

test('the glossary\'s own patterns catch what the issue found', () => {
  const avoided = (sample: string) => glossary.terms.some((t) => (t.avoid.nl ?? []).some((p) => new RegExp(p, 'iu').test(sample)));
  for (const sample of ['Tweestapsverificatie', 'Goedkeuren door een manager', 'de beheerconsole', 'gelekt bij datalekken', 'Herinner me later']) assert.ok(avoided(sample), sample);
  for (const sample of ['Multifactorauthenticatie', 'Bedrijfsleider', 'beheeromgeving', 'Later herinneren', 'Toegangssleutels (passkeys)', 'Google Authenticator-app']) assert.ok(!avoided(sample), sample);
});

test('issue 23: the admin console has one Dutch name, also where a session lists the apps it was used for', () => {
  const session = { uid: 's', clientIds: ['admin-console', 'account-console', 'demo-pos'], current: false, local: true } as SessionView;
  const registered = (id: string) => ({ 'admin-console': 'Admin console', 'account-console': 'Security & ID', 'demo-pos': 'Demo POS' })[id];
  const t = (key: string) => key;
  assert.equal(sessionRows(t, 'nl', [session], registered)[0]!.apps, 'Beheeromgeving, Beveiliging en ID, Demo POS');
  assert.equal(sessionRows(t, 'en', [session], registered)[0]!.apps, 'Admin console, Security & ID, Demo POS');
  assert.equal(clientLabel('nl', 'xero-connector', 'Xero connector'), 'Xero connector', 'other clients keep their registered name');
});
