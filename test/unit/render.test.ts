// Page rendering: every sign-in page in both locales, escaping, forms (CSRF, POST), accessibility hooks, CSP-safe markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRenderer } from '../../src/http/render.js';
import type { Locale } from '../../src/http/i18n.js';
import { SAMPLE_CODES, sampleViews } from './render.fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const missing: string[] = [];
const renderer = createRenderer({
  root,
  productName: 'POS Sign-in',
  onMissingKey: (key, locale) => missing.push(`${locale}:${key}`),
});
const samples = await sampleViews();
const sample = (name: string) => {
  const found = samples.find(([n]) => n === name);
  assert.ok(found, name);
  return found;
};
const render = (name: string, locale: Locale = 'en', extra: Record<string, unknown> = {}) => {
  const [, template, view] = sample(name);
  return renderer.page(template, { ...view, ...extra }, locale);
};
const forms = (html: string) => [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);

test('B8: every page renders in English and Dutch with no missing translation', () => {
  for (const [name, template, view] of samples) {
    for (const locale of ['en', 'nl'] as const) {
      missing.length = 0;
      const html = renderer.page(template, view, locale);
      assert.deepEqual(missing, [], `${name}/${locale}`);
      assert.match(html, new RegExp(`<html lang="${locale}">`), name);
      assert.match(html, /<title>[^<]+ · POS Sign-in<\/title>/, `${name} has a page title`);
      assert.match(html, /<main id="main"/);
      assert.match(html, /<h1>[^<]+/, `${name} has a heading`);
      // no raw key or placeholder leaked into the page
      assert.doesNotMatch(html, /\{[a-zA-Z_]\w*\}/, `${name}/${locale} placeholder`);
      assert.doesNotMatch(html, /\b(?:common|errors|totp-enrol|totp-verify|breach|store|password|recovery|logout)\.[a-z_]+\b(?![.\w-]*\.(?:com|css|js|svg|txt))/, `${name}/${locale} raw key`);
    }
  }
});

test('the two locales really differ (Dutch pages are in Dutch)', () => {
  assert.match(render('store', 'nl'), /Winkel-URL/);
  assert.match(render('store', 'en'), /Store URL/);
  assert.match(render('totp-verify', 'nl'), /Onthoud mij op dit apparaat de komende 30 dagen/);
  assert.match(render('totp-verify', 'en'), /Remember me on this device for the next 30 days/);
});

test('user values are HTML-escaped', () => {
  const html = render('password-switching-error', 'en', {
    username: '"><script>alert(1)</script>',
    storeName: '<img src=x onerror=alert(2)>',
    error: '<b>bad</b>',
  });
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<img src=x/);
  assert.doesNotMatch(html, /<b>bad/);
  assert.match(html, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  assert.match(html, /&lt;img src&#x3D;x onerror&#x3D;alert\(2\)&gt;/);
  const enrol = render('enrol-scan', 'en', { secretGrouped: '<i>ABCD</i>' });
  assert.match(enrol, /&lt;i&gt;ABCD&lt;\/i&gt;/);
});

test('S15/checklist 60: every form posts and carries the CSRF token (logout uses oidc-provider\'s own form)', () => {
  for (const [name, template, view] of samples) {
    const html = renderer.page(template, view, 'en');
    for (const form of forms(html)) {
      assert.match(form, /method="post"/, name);
      if (template === 'logout') {
        assert.match(form, /id="op\.logoutForm"/);
        continue;
      }
      assert.match(form, /action="\/interaction\/abc123\/step"/, name);
      assert.match(form, /<input type="hidden" name="csrf" value="csrf-token-123">/, name);
    }
  }
});

test('errors are shown in a role="alert" banner only when there is one', () => {
  const withError = render('store-error');
  assert.match(withError, /role="alert"[\s\S]*We couldn&#x27;t find that store/);
  assert.match(withError, /aria-invalid="true"/);
  assert.match(withError, /aria-describedby="store-hint form-error"/);
  const clean = render('store');
  assert.doesNotMatch(clean, /role="alert"/);
  assert.doesNotMatch(clean, /aria-invalid/);
});

test('checklist 10: fields carry labels and autocomplete hints', () => {
  const pw = render('password');
  assert.match(pw, /<label for="username">/);
  assert.match(pw, /<label for="password">/);
  assert.match(pw, /name="username"[^>]*autocomplete="username"/);
  assert.match(pw, /name="password" type="password" autocomplete="current-password"/);
  assert.match(pw, /href="\/interaction\/abc123\/store"/);
  assert.match(pw, /Corner Coffee Co\./);
  assert.doesNotMatch(pw, /Switching user/);
  assert.match(render('password-switching-error'), /Switching user: enter the new user&#x27;s details\./);

  const breach = render('breach');
  assert.match(breach, /name="new_password" type="password" autocomplete="new-password" required minlength="8"/);
  assert.match(breach, /name="confirm_password" type="password" autocomplete="new-password"/);
  assert.match(breach, /52,314 times/);
  assert.equal((breach.match(/name="choice" value="change"/g) ?? []).length, 1);
  assert.equal((breach.match(/name="choice" value="later"/g) ?? []).length, 1);

  for (const name of ['totp-verify', 'enrol-code']) {
    const html = render(name);
    assert.match(html, /name="code"[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"[^>]*pattern="/, name);
  }
  assert.match(render('recovery'), /<label for="code">Recovery code<\/label>/);
});

test('S8: "remember this device" is offered only when the view allows it', () => {
  const offered = render('totp-verify');
  assert.match(offered, /<input id="remember" name="remember" type="checkbox" value="1"/);
  assert.match(offered, /href="\/interaction\/abc123\/recovery"[^>]*>I don&#x27;t have access to my authenticator app/);
  assert.doesNotMatch(render('totp-verify-error'), /name="remember"/);
  assert.match(render('totp-verify', 'en', { rememberDays: 7 }), /for the next 7 days/);
});

test('S6/S7: enrolment stages post their stage; QR is inserted as SVG, codes listed with print/copy/download', () => {
  for (const stage of ['begin', 'password', 'scan', 'code', 'codes']) {
    const name = stage === 'begin' ? 'enrol-begin' : `enrol-${stage}`;
    assert.match(render(name), new RegExp(`<input type="hidden" name="stage" value="${stage}">`), stage);
  }
  assert.match(render('enrol-begin'), /required for your account/);
  assert.match(render('enrol-begin-recovery'), /You signed in with a recovery code/);
  const scan = render('enrol-scan');
  assert.match(scan, /<div class="qr-image" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(scan, /<code class="secret" id="secret"[^>]*>JBSW Y3DP EHPK 3PXP/);
  assert.match(scan, /Authy, Google Authenticator or Microsoft Authenticator/);
  const codes = render('enrol-codes');
  for (const code of SAMPLE_CODES) assert.ok(codes.includes(`<code data-copy-item>${code}</code>`), code);
  assert.match(codes, /data-print/);
  assert.match(codes, /data-copy-target="recovery-codes"/);
  assert.match(codes, /href="\/interaction\/abc123\/recovery-codes.txt" download/);
  assert.match(codes, /name="saved" type="checkbox" value="1" required/);
  const password = render('enrol-password');
  assert.match(password, /autocomplete="current-password"/);
});

test('logout confirmation inserts the provider form and targets it from both buttons', () => {
  const html = render('logout', 'nl');
  assert.match(html, /<form id="op\.logoutForm" method="post" action="\/session\/end\/confirm"><input type="hidden" name="xsrf" value="abc"\/><\/form>/);
  assert.match(html, /Wil je uitloggen bij POS Web\?/);
  assert.match(html, /form="op\.logoutForm" name="logout" value="yes"/);
  assert.equal((html.match(/form="op\.logoutForm"/g) ?? []).length, 2);
  assert.match(render('logout-done', 'en', { clientName: undefined }), /You have been signed out\./);
});

test('S15: versioned assets, deferred script, no inline script or style (CSP)', () => {
  for (const [name, template, view] of samples) {
    const html = renderer.page(template, view, 'en');
    assert.match(html, /<link rel="stylesheet" href="\/assets\/app\.[0-9a-f]{8}\.css">/);
    assert.match(html, /<script src="\/assets\/app\.[0-9a-f]{8}\.js" defer><\/script>/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, name);
    assert.doesNotMatch(html, /\sstyle="/, name);
    assert.doesNotMatch(html, /<style/, name);
    assert.doesNotMatch(html, /\son[a-z]+="/, name);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${name} has no external URL`);
  }
});

test('product name: default, or the view\'s own; error page shows the given title and message', () => {
  assert.match(render('store'), /<span class="brand-name">POS Sign-in<\/span>/);
  assert.match(render('store', 'en', { productName: 'Acme Retail' }), /<title>Sign in · Acme Retail<\/title>/);
  const error = renderer.page('error', { title: 'Oops', message: 'Try <again>' }, 'en');
  assert.match(error, /<h1>Oops<\/h1>/);
  assert.match(error, /Try &lt;again&gt;/);
  assert.match(error, /<title>Oops · POS Sign-in<\/title>/);
});

test('template names cannot escape the pages folder', () => {
  assert.throws(() => renderer.page('../layouts/main', {}, 'en'), /Invalid template name/);
  assert.throws(() => renderer.page('no-such-page', {}, 'en'), /ENOENT/);
});
