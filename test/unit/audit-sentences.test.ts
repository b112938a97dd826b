// Every audit event type recorded anywhere in the code has a sentence in English and Dutch and a category; the
// sentences name people and show details in words, never codes or JSON (B5, B8; issue 13 item 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasKey, LOCALES, translate, type Locale } from '../../src/http/i18n.js';
import { AUDIT_CATEGORIES, categoryOf, typeSelection } from '../../src/services/audit/categories.js';
import { auditDetails, auditSentence, type AuditWords } from '../../src/admin/audit-words.js';
import type { AuditPerson, AuditRecord } from '../../src/services/admin/ports.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

// Dotted two-part literals in the code that are not audit event types: file names and paths of stored fields.
const FILE = /\.(css|js|hbs|go|mod|sum|lock|pid|password|json)$/;
const NOT_EVENTS = new Set(['facts.register', 'facts.store', 'facts.user', 'state.approval', 'state.breach', 'throttle.devices', 'throttle.failures', 'throttle.generation']);

/**
 * Every event type the code can record: each quoted "area.name" literal of the sources (event types are written out
 * wherever they are recorded, also when a helper or a lookup table passes them on), minus translation keys, file
 * names and the few field paths above. A new literal that is neither must get a sentence, or be listed here.
 */
function eventTypesInCode(): string[] {
  const found = new Set<string>();
  for (const dir of ['src', 'factors', 'interactions']) {
    for (const file of sources(path.join(root, dir))) {
      for (const [, literal] of readFileSync(file, 'utf8').matchAll(/['"`]([a-z][a-z_]*\.[a-z][a-z_]*[a-z])['"`]/g)) {
        if (!literal || FILE.test(literal) || NOT_EVENTS.has(literal) || hasKey('en', literal)) continue;
        found.add(literal);
      }
    }
  }
  return [...found].sort();
}

const types = eventTypesInCode();

test('the scan finds the event types recorded through helpers and lookup tables too', () => {
  for (const t of ['mfa.reset_by_admin', 'mfa.recovery_codes_regenerated', 'admin.user_role_changed', 'logout.backchannel_sent', 'signin.totp_failed', 'admin.signin']) {
    assert.ok(types.includes(t), t);
  }
  assert.ok(types.length >= 50, `${types.length} types`);
});

test('every audit event type in the code has a sentence in English and Dutch (B5, B8)', () => {
  const missing = types.flatMap((t) => LOCALES.filter((l) => !hasKey(l, `audit.sentence.${t}`)).map((l) => `${l}: audit.sentence.${t}`));
  assert.deepEqual(missing, [], 'add these keys to a locales/<area>.<locale>.json file');
});

test('every event type in the code has a category ("other": only the console\'s own housekeeping); categories do not overlap', () => {
  assert.deepEqual(types.filter((t) => categoryOf(t) === 'other'), ['admin.audit_exported', 'admin.csrf_rejected']);
  const prefixes = AUDIT_CATEGORIES.filter((c) => c !== 'other').flatMap((c) => typeSelection(c).prefixes.map((p) => ({ c, p })));
  for (const a of prefixes) for (const b of prefixes) if (a.c !== b.c) assert.ok(!b.p.startsWith(a.p), `${b.p} (${b.c}) starts with ${a.p} (${a.c})`);
  // the filter of a type's category selects it
  for (const t of types) {
    const { prefixes, negate } = typeSelection(categoryOf(t));
    assert.equal(prefixes.some((p) => t.startsWith(p)), !negate, t);
  }
  assert.equal(categoryOf('test.whatever'), 'other');
  assert.ok(typeSelection('other').negate);
});

const people = new Map<string, AuditPerson>([
  ['a'.repeat(24), { username: 'adam', name: 'Adam Admin', role: 'admin' }],
  ['c'.repeat(24), { username: 'carla', name: 'Carla', role: 'cashier' }],
]);
const words = (locale: Locale): AuditWords => ({
  t: (key, vars) => translate(locale, key, vars),
  locale,
  people,
  clientName: (id) => (id === 'demo-pos' ? 'Demo POS' : undefined),
});
const event = (type: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  id: 'e'.repeat(24),
  at: new Date('2026-12-01T10:00:00Z'),
  type,
  storeId: 's'.repeat(24),
  userId: 'c'.repeat(24),
  actorId: 'a'.repeat(24),
  ip: null,
  userAgent: null,
  details: {},
  ...over,
});

test('sentences name the actor and the subject in both languages', () => {
  assert.equal(auditSentence(words('en'), event('mfa.reset_by_admin')), 'Adam Admin reset multi-factor authentication for cashier Carla');
  assert.equal(auditSentence(words('nl'), event('mfa.reset_by_admin')), 'Adam Admin heeft de multifactorauthenticatie van kassamedewerker Carla opnieuw ingesteld');
  assert.equal(auditSentence(words('en'), event('admin.sessions_ended', { details: { count: 1 } })), 'Adam Admin ended 1 session of cashier Carla');
  assert.equal(auditSentence(words('nl'), event('admin.user_role_changed', { details: { from: 'cashier', to: 'manager' } })), 'Adam Admin heeft de rol van kassamedewerker Carla gewijzigd van kassamedewerker in bedrijfsleider');
  // done to oneself: the sentence says so instead of naming the user twice
  assert.equal(auditSentence(words('en'), event('password.changed', { actorId: 'c'.repeat(24) })), 'Cashier Carla changed their password');
  assert.equal(auditSentence(words('en'), event('password.changed')), 'Adam Admin changed the password of cashier Carla');
  // nobody known: the name typed at sign-in; a user who is gone; the system
  assert.equal(auditSentence(words('en'), event('signin.password_failed', { userId: null, actorId: null, details: { username: 'karla' } })), 'Sign-in failed for the name “karla”: wrong password');
  assert.equal(auditSentence(words('en'), event('mfa.removed', { actorId: 'f'.repeat(24) })), 'A removed user removed multi-factor authentication for cashier Carla');
});

test('amr, client and device in words; unknown types fall back to their category, never codes or JSON', () => {
  const signIn = event('signin.success', { actorId: 'c'.repeat(24), userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', details: { clientId: 'demo-pos', amr: ['pwd', 'otp', 'mfa'], stepUp: false } });
  assert.equal(auditSentence(words('en'), signIn), 'Cashier Carla signed in to Demo POS with password + authenticator app');
  assert.equal(auditSentence(words('nl'), signIn), 'Kassamedewerker Carla is ingelogd bij Demo POS met wachtwoord + authenticatie-app');
  assert.deepEqual(auditDetails(words('en'), signIn), [
    { label: 'App', value: 'Demo POS' },
    { label: 'Signed in with', value: 'password + authenticator app' },
    { label: 'Extra check for this app', value: 'no' },
    { label: 'Device', value: 'Chrome on Linux' },
  ]);
  const passkey = event('admin.signin', { details: { acr: 'urn:pos-idp:acr:phr', amr: ['hwk', 'user', 'mfa', 'pwd'] } });
  assert.equal(auditDetails(words('nl'), passkey).find((d) => d.label === 'Ingelogd met')?.value, 'toegangssleutel + bevestigd op het apparaat + wachtwoord');
  assert.equal(auditDetails(words('en'), passkey).find((d) => d.label === 'Level')?.value, 'phishing-resistant (passkey)');

  const unknown = event('future.thing', { details: { nested: { a: 1 } } });
  assert.equal(auditSentence(words('en'), unknown), 'Other: an event concerning cashier Carla');
  assert.equal(auditSentence(words('nl'), event('mfa.brand_new')), 'MFA en factoren: een gebeurtenis over kassamedewerker Carla');
  assert.doesNotMatch(JSON.stringify(auditDetails(words('en'), unknown)), /\{\\"/, 'no JSON in a detail value');

  const policy = event('admin.policy_changed', { userId: null, details: { changed: ['rememberDeviceDays'], before: { rememberDeviceDays: 30 }, after: { rememberDeviceDays: 14 } } });
  assert.deepEqual(auditDetails(words('en'), policy), [{ label: 'Days a device is remembered', value: '30 → 14' }]);
  assert.equal(auditSentence(words('en'), policy), 'Adam Admin changed the store policy: Days a device is remembered');
});

test('no sentence of any type shows a placeholder or a code, whatever details are missing', () => {
  for (const locale of LOCALES) {
    for (const t of types) {
      const text = auditSentence(words(locale), event(t));
      assert.doesNotMatch(text, /[{}]|audit\.|undefined/, `${locale} ${t}: ${text}`);
      assert.ok(!text.includes(t), `${locale} ${t}`);
    }
  }
});
