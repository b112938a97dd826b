// The admin audit log for people over real HTTP: translated sentences with real names, categories, cursor paging,
// exports with machine fields plus the sentence, and no event codes or JSON on the page (B5, B8; checklist 65).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Agent, textOf } from '../helpers/agent.js';
import type { AuthenticatorApp } from '../helpers/totp-device.js';
import { declaredIndexes, unservedFilters } from '../helpers/index-coverage.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';

const ADMIN_PW = 'admin passphrase 2026';

describe('audit log in words (B5, B8)', () => {
  let stack: Stack;
  let storeId: string;
  const ids: Record<string, string> = {};
  let adminApp: AuthenticatorApp;
  const agent = new Agent();
  let csrf = '';

  // the console's language: the admin's own (English here), or ui_locales for one page
  const get = (path: string, locale?: 'nl') => agent.request(`${stack.issuer}${path}${locale ? `${path.includes('?') ? '&' : '?'}ui_locales=${locale}` : ''}`);
  const rowsOf = (html: string) => [...html.matchAll(/<tr data-id="([0-9a-f]{24})" data-category="([a-z]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ id: m[1]!, category: m[2]!, text: textOf(m[3]!).trim() }));
  const hrefOf = (html: string, rel: string) => new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

  before(async () => {
    stack = await startStack();
    storeId = await stack.createStore('bakery');
    ids.adam = await stack.createUser(storeId, 'adam', 'admin', ADMIN_PW, { name: 'Adam Admin' });
    ids.carla = await stack.createUser(storeId, 'carla', 'cashier', 'cashier passphrase 2026', { name: 'Carla' });
    adminApp = await stack.enrol(ids.adam, 'bakery', 'adam');
    await stack.enrol(ids.carla, 'bakery', 'carla');
    // the admin signs in to the console through the provider, with the code (B12)
    const start = await agent.follow(`${stack.issuer}/admin?store=bakery`);
    const code = await submit(agent, start, { username: 'adam', password: ADMIN_PW });
    const home = await submit(agent, code, { code: await adminApp.code() });
    assert.match(home.url, /\/admin(\?|$)/);
    csrf = /name="csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    // a real reset of Carla's MFA by Adam, through the console's API
    const reset = await fetch(`${stack.issuer}/admin/api/users/${ids.carla}/mfa/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: `admin=${agent.cookie('admin')}; admin.sig=${agent.cookie('admin.sig')}` },
      body: JSON.stringify({ password: ADMIN_PW, confirm: true }),
    });
    assert.equal(reset.status, 200);
  });
  after(() => stack.close());

  it('shows the reset as a sentence with real names, in English and in Dutch', async () => {
    const en = await get('/admin/audit');
    assert.equal(en.status, 200);
    const enText = rowsOf(en.body).map((r) => r.text).join('\n');
    assert.match(enText, /Adam Admin reset multi-factor authentication for cashier Carla/);
    assert.match(enText, /Adam Admin ended 1 session of cashier Carla|Adam Admin ended \d+ sessions of cashier Carla/);
    assert.match(enText, /Administrator Adam Admin signed in to the admin console with password \+ authenticator app/);
    const nl = await get('/admin/audit', 'nl');
    const nlText = rowsOf(nl.body).map((r) => r.text).join('\n');
    assert.match(nlText, /Adam Admin heeft de multifactorauthenticatie van kassamedewerker Carla opnieuw ingesteld/);
    assert.match(nlText, /Beheerder Adam Admin is ingelogd op de beheeromgeving met wachtwoord \+ authenticatie-app/);
    assert.match(textOf(nl.body), /Alle categorieën/);
  });

  it('never shows event codes or JSON on the page; details are in words', async () => {
    await stack.services.audit.record({ type: 'signin.success', storeId, userId: ids.carla, actorId: ids.carla, ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', details: { clientId: 'demo-pos', amr: ['pwd', 'otp', 'mfa'], stepUp: false, secondFactor: 'totp' } });
    const page = await get('/admin/audit');
    const types = await stack.db.models.AuditEvent.distinct('type', { storeId: new Types.ObjectId(storeId) });
    assert.ok(types.includes('mfa.reset_by_admin') && types.includes('admin.signin'));
    for (const type of types) assert.ok(!page.body.includes(type), `the page shows the code ${type}`);
    assert.doesNotMatch(page.body, /\{&quot;|\{"|&quot;:/, 'no JSON');
    const signIn = rowsOf(page.body).find((r) => r.text.includes('signed in to Demo POS'));
    assert.ok(signIn, 'the client by name');
    assert.match(signIn.text, /Cashier Carla signed in to Demo POS with password \+ authenticator app/);
    assert.match(signIn.text, /Chrome on Linux/, 'the device in words');
    assert.match(signIn.text, /This computer/, 'the address in words');
    assert.match(signIn.text, /Second factor authenticator app/);
    assert.equal(signIn.category, 'signin');
  });

  it('filters by a category chosen from a translated list; unknown types land in "Other" with a generic sentence', async () => {
    await stack.services.audit.record({ type: 'future.thing', storeId, userId: ids.carla, details: { nested: { a: 1 } } });
    const form = await get('/admin/audit');
    assert.match(form.body, /<select id="category" name="category">/);
    for (const label of ['Sign-in', 'MFA &amp; factors', 'Password', 'Sessions &amp; devices', 'Users &amp; roles', 'Policy &amp; settings', 'Email &amp; notifications', 'Other']) assert.ok(form.body.includes(`>${label}</option>`), label);

    const mfa = rowsOf((await get('/admin/audit?category=mfa')).body);
    assert.ok(mfa.length >= 1);
    assert.ok(mfa.every((r) => r.category === 'mfa'));
    assert.ok(mfa.some((r) => r.text.includes('reset multi-factor authentication for cashier Carla')));
    const sessions = rowsOf((await get('/admin/audit?category=sessions')).body);
    assert.ok(sessions.length >= 1 && sessions.every((r) => r.category === 'sessions'));

    const other = await get('/admin/audit?category=other', 'nl');
    const rows = rowsOf(other.body);
    assert.ok(rows.some((r) => r.text.includes('Overig: een gebeurtenis over kassamedewerker Carla')));
    assert.ok(rows.every((r) => r.category === 'other'));
    assert.match(other.body, /<option value="other" selected>Overig<\/option>/);
    assert.ok(!other.body.includes('future.thing'));

    const bad = await get('/admin/audit?category=mfa.', 'nl');
    assert.equal(bad.status, 400, 'a prefix is not a category');
    assert.doesNotMatch(bad.body, /ZodError|at .*\.ts:\d+/);
    assert.equal(rowsOf(bad.body).length, 0);
  });

  it('pages Older and Newer with a stable cursor, keeping the filters, served by indexes', async () => {
    // 120 events, half of them in the same millisecond: the cursor must break ties by id
    const same = new Date(Date.now() - 3_600_000);
    const docs = Array.from({ length: 120 }, (_, i) => ({
      at: i < 60 ? same : new Date(same.getTime() - (i + 1) * 1000),
      type: 'zz.paging',
      storeId: new Types.ObjectId(storeId),
      userId: new Types.ObjectId(ids.carla),
      details: { n: i },
    }));
    await stack.db.models.AuditEvent.insertMany(docs);
    const seen: string[] = [];
    let path: string | undefined = '/admin/audit?user=carla&category=other';
    let pages = 0;
    const before = stack.commands.length;
    let last = '';
    while (path) {
      const page = await get(path);
      assert.equal(page.status, 200);
      last = page.body;
      seen.push(...rowsOf(page.body).map((r) => r.id));
      path = hrefOf(page.body, 'next');
      if (path) assert.match(path, /user=carla/, 'the filters stay');
      if (path) assert.match(path, /category=other/);
      pages++;
    }
    const expected = await stack.db.models.AuditEvent.countDocuments({ storeId: new Types.ObjectId(storeId), userId: new Types.ObjectId(ids.carla), type: { $in: ['zz.paging', 'future.thing'] } });
    assert.equal(seen.length, expected, 'every event once');
    assert.equal(new Set(seen).size, seen.length, 'no event twice');
    assert.equal(pages, Math.ceil(expected / 50));
    assert.match(textOf(last), /Newer/);
    assert.match(textOf(last), new RegExp(`${expected} events`));

    // back up again: Newer from the last page shows the page before it
    const newer = hrefOf(last, 'prev');
    assert.ok(newer);
    const back = rowsOf((await get(newer)).body).map((r) => r.id);
    assert.deepEqual(back, seen.slice(50, 100));

    const audit = stack.commands.slice(before).filter((c) => ['audit_events', 'users'].includes(String((c.command as Record<string, unknown>)[c.commandName])));
    assert.ok(audit.length > 0);
    assert.deepEqual(unservedFilters(audit, declaredIndexes(stack.db.models)), [], 'every audit and user read uses an index');
    // the names on a page: one read of all of them (by _id), not one per row
    const nameReads = audit.filter((c) => c.commandName === 'find' && (c.command as { find?: string; filter?: { _id?: { $in?: unknown } } }).find === 'users' && (c.command as { filter?: { _id?: { $in?: unknown } } }).filter?._id?.$in);
    assert.equal(nameReads.length, pages + 1, 'one read of names per page');
  });

  it('exports keep the code, ids and ISO time and add the sentence in the exporter\'s language', async () => {
    const csv = await get('/admin/audit.csv?category=mfa', 'nl');
    assert.equal(csv.status, 200);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'at,type,user_id,username,actor_id,actor,ip,user_agent,details,id,sentence');
    const reset = lines.find((l) => l.includes(',mfa.reset_by_admin,'));
    assert.ok(reset, 'the type code');
    assert.match(reset, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/, 'ISO time');
    assert.ok(reset.includes(`,${ids.carla},carla,${ids.adam},adam,`), 'ids and usernames');
    assert.match(reset, /,[0-9a-f]{24},Adam Admin heeft de multifactorauthenticatie van kassamedewerker Carla opnieuw ingesteld$/, 'event id and the Dutch sentence');

    const jsonl = await get('/admin/audit.jsonl?category=mfa');
    const events = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const row = events.find((e) => e.type === 'mfa.reset_by_admin');
    assert.ok(row);
    assert.equal(row.user_id, ids.carla);
    assert.equal(row.actor_id, ids.adam);
    assert.equal(row.sentence, 'Adam Admin reset multi-factor authentication for cashier Carla');
    assert.ok(events.every((e) => typeof e.sentence === 'string' && typeof e.id === 'string'));
    assert.ok(await stack.db.models.AuditEvent.exists({ type: 'admin.audit_exported', actorId: new Types.ObjectId(ids.adam), 'details.category': 'mfa' }));
  });
});
