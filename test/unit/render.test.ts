// Page rendering: every sign-in and account page in both locales, escaping, forms (CSRF, POST), accessibility hooks, CSP-safe markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRenderer } from '../../src/http/render.js';
import { translate, type Locale } from '../../src/http/i18n.js';
import { addressInWords, userAgentInWords } from '../../src/http/session-rows.js';
import { SAMPLE_CODES, SAMPLE_DEVICES, sampleViews } from './render.fixtures.js';

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
      assert.doesNotMatch(html, /\b(?:common|errors|enrol|totp-enrol|totp-verify|breach|store|password|recovery|logout|account|account-remove|account-codes|factors|passkey-verify|passkey-register|passkey-remove|phr-missing)\.[a-z_]+\b(?![.\w-]*\.(?:com|css|js|svg|txt))/, `${name}/${locale} raw key`);
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

test('S15/checklist 60: every form posts and carries the CSRF token (logout uses oidc-provider\'s own form; the unlock link\'s form carries its signed token, which is what it protects)', () => {
  for (const [name, template, view] of samples) {
    const html = renderer.page(template, view, 'en');
    for (const form of forms(html)) {
      assert.match(form, /method="post"/, name);
      if (template === 'logout') {
        assert.match(form, /id="op\.logoutForm"/);
        continue;
      }
      // the device pages post to oidc-provider's code page with its token (B25)
      if (template === 'device-code' || template === 'device-confirm') {
        assert.match(form, /action="\/device"/, name);
        assert.match(form, /<input type="hidden" name="xsrf" value="abc">/, name);
        continue;
      }
      // the same confirmation, sent by the page itself, with oidc-provider's token (B26)
      if (template === 'logout-now') {
        assert.match(form, /action="\/session\/end\/confirm"/);
        assert.match(form, /<input type="hidden" name="xsrf" value="abc">/);
        continue;
      }
      // the reset link's forms carry its token, which is their CSRF protection (src/password-reset/routes.ts)
      if (template === 'password-reset') {
        assert.match(form, /action="\/password-reset\/corner\/(?:factor|password)"/, name);
        assert.match(form, /<input type="hidden" name="token" value="abc\.def">/, name);
        continue;
      }
      if (template === 'unlock') {
        assert.match(form, /<input type="hidden" name="token" value="abc\.def">/);
        continue;
      }
      // sign-in forms post to their own interaction step, account forms to a fixed /account/... route
      assert.match(form, /action="(?:\/interaction\/abc123\/[\w-]+|\/account\/[\w/-]+)"/, name);
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
  assert.match(pw, /href="\/interaction\/abc123\/change-store">Not your store\?<\/a>/);
  assert.match(pw, /action="\/interaction\/abc123\/password"/);
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
  assert.match(offered, /href="\/interaction\/abc123\/use-recovery"[^>]*>I don&#x27;t have access to my authenticator app/);
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

test('S6/S12: the wizard from the account pages offers Cancel (not on the codes stage) and warns when resetting', () => {
  for (const name of ['enrol-account-reset-begin', 'enrol-account-password', 'enrol-account-reset-scan', 'enrol-account-code']) {
    const html = render(name);
    assert.match(html, /<p class="alt-link"><a href="\/account">Cancel<\/a><\/p>/, name);
    assert.match(html, /action="\/account\/mfa\/wizard"/, name);
  }
  assert.doesNotMatch(render('enrol-account-reset-codes'), /href="\/account">Cancel/);
  assert.doesNotMatch(render('enrol-begin'), /href="\/account">Cancel/, 'the sign-in wizard has no link to the account page');
  const begin = render('enrol-account-reset-begin', 'nl');
  assert.match(begin, /<h1>Configuratie van multifactorauthenticatie herstellen<\/h1>/);
  assert.match(begin, /oude verbinding in je authenticatie-app/);
  assert.match(render('enrol-account-reset-scan'), /already exists and ask whether to continue/);
  assert.doesNotMatch(render('enrol-scan'), /already exists/);
  const codes = render('enrol-account-reset-codes');
  assert.match(codes, /Your old recovery codes no longer work\./);
  assert.match(codes, /href="\/account\/mfa\/codes.txt" download/);
});

test('S6/B11/B10: Security & ID page with MFA active: reset, remove, recovery codes, remembered devices', () => {
  const html = render('account');
  assert.match(html, /<title>Security &amp; ID · POS Sign-in<\/title>/);
  assert.match(html, /Alice Jansen[\s\S]*alice[\s\S]*Corner Coffee Co\.[\s\S]*Manager/);
  assert.match(html, /<div class="alert alert-success" role="status">[\s\S]*Multi-factor authentication is set up\./);
  assert.match(html, /<span class="badge badge-on">Active<\/span>/);
  assert.doesNotMatch(html, /Required for your role/);
  assert.doesNotMatch(html, /action="\/account\/mfa\/setup"/);
  const all = forms(html);
  const reset = all.find((f) => f.includes('action="/account/mfa/reset"'));
  assert.ok(reset);
  assert.match(reset, /Reset multi-factor authentication configuration/);
  assert.doesNotMatch(reset, /name="password"/, 'the wizard asks for the password itself');
  assert.match(html, /<a class="btn btn-danger" href="\/account\/mfa\/remove">Remove multi-factor authentication<\/a>/);
  assert.match(html, /9 unused recovery codes/);
  assert.doesNotMatch(html, /running out of recovery codes/);
  // each passkey's own key in its links (a template helper must never shadow a field of the view)
  assert.match(html, /href="\/account\/passkeys\/cAbCdEfGhIjKl\/remove"/);
  assert.match(html, /action="\/account\/passkeys\/cMnOpQrStUvWx\/rename"/);
  const codes = all.find((f) => f.includes('action="/account/mfa/codes"'));
  assert.ok(codes);
  assert.match(codes, /name="password" type="password" autocomplete="current-password" required/);
  assert.match(codes, /Generate new recovery codes<\/button>/);
  assert.match(html, /every change asks for your password again/);
  // one revoke form per device plus "forget all", each with its own password field
  const revoke = all.filter((f) => f.includes('action="/account/devices/revoke"'));
  assert.equal(revoke.length, SAMPLE_DEVICES.length + 1);
  for (const [i, device] of SAMPLE_DEVICES.entries()) {
    assert.match(revoke[i], new RegExp(`<input type="hidden" name="device" value="${device.id}">`));
    assert.match(revoke[i], /Forget this device<\/button>/);
  }
  assert.match(revoke.at(-1)!, /<input type="hidden" name="device" value="all">[\s\S]*Forget all devices<\/button>/);
  for (const form of [codes, ...revoke]) assert.match(form, /name="password" type="password" autocomplete="current-password"/);
  const ids = [...html.matchAll(/<input id="([^"]+)" name="password"/g)].map((m) => m[1]);
  // recovery codes, adding a passkey, setting a quick-switch PIN (B19), each revoke form, and the password and email change forms
  assert.equal(ids.length, 1 + 1 + 1 + revoke.length + 2);
  assert.equal(new Set(ids).size, ids.length, 'password field ids are unique');
  for (const id of ids) assert.match(html, new RegExp(`<label for="${id}">`));
  assert.match(html, /title="Mozilla\/5\.0 \(iPhone;[^"]*"/);
  assert.match(html, /<p class="device-agent" title="Mozilla\/5\.0 \(iPhone;[^"]*">Mobile Safari on iOS<\/p>/, 'the device in words, the raw string on hover');
  assert.match(html, /Unknown device/);
  assert.match(html, /203\.0\.113\.24/);
  assert.match(html, /<time datetime="2025-06-01">2025-06-01<\/time>/);
  assert.match(html, /<a class="account-signout" href="\/session\/end">Sign out<\/a>/);
  assert.doesNotMatch(html, /aria-invalid/);
  const nl = render('account', 'nl');
  assert.match(nl, /<h1>Beveiliging en ID<\/h1>/);
  assert.match(nl, /Configuratie van multifactorauthenticatie herstellen/);
  assert.match(nl, /Multifactorauthenticatie verwijderen/);
  assert.match(nl, /9 ongebruikte herstelcodes/);
});

test('B11: few recovery codes left: warning, singular count, the regenerate form open; errors mark the fields', () => {
  const html = render('account-few-codes');
  assert.match(html, /1 unused recovery code</);
  assert.match(html, /class="alert alert-warning"[\s\S]*running out of recovery codes/);
  assert.match(html, /<details class="confirm" open>\s*<summary>Generate new recovery codes/);
  assert.match(html, /role="alert"[\s\S]*Incorrect password\./);
  assert.match(html, /name="password" type="password" autocomplete="current-password" required aria-invalid="true"/);
  assert.doesNotMatch(render('account'), /<details class="confirm" open>/);
  assert.match(render('account-few-codes', 'nl'), /1 ongebruikte herstelcode</);
});

test('B22: the language field shows the current choice; automatic by default', () => {
  assert.match(render('account'), /<option value="automatic" selected>Automatic: the store&#x27;s language \(English\)<\/option>/);
  const chosen = render('account-few-codes', 'nl');
  assert.match(chosen, /<form method="post" action="\/account\/language"/);
  assert.match(chosen, /<option value="nl" lang="nl" selected>Nederlands<\/option>/);
  assert.match(chosen, /Taal van e-mails en deze pagina's|Taal van e-mails en deze pagina&#x27;s/);
});

test('S6: Security & ID page without MFA: set-up button, required badge, no codes, empty devices list', () => {
  const html = render('account-off');
  assert.match(html, /<span class="badge badge-off">Not set up<\/span> <span class="badge badge-warn">Required for your role<\/span>/);
  assert.match(html, /Account owner/);
  const setup = forms(html).filter((f) => f.includes('action="/account/mfa/'));
  assert.equal(setup.length, 1);
  assert.equal(forms(html).length, 6, 'set up, add a passkey, set a PIN, language, change password, change email');
  assert.match(setup[0], /action="\/account\/mfa\/setup"[\s\S]*Set up multi-factor authentication<\/button>/);
  assert.doesNotMatch(html, /\/account\/mfa\/(?:reset|remove|codes)/);
  assert.doesNotMatch(html, /unused recovery code/);
  assert.match(html, /You have no remembered devices\./);
  assert.doesNotMatch(html, /Forget all devices/);
  const cashier = render('account-off-cashier');
  assert.doesNotMatch(cashier, /Required for your role/);
  assert.match(cashier, /An administrator has reset your multi-factor authentication/);
  assert.match(cashier, /Cashier/);
});

test('S13: remove asks to confirm (Next / Cancel), then the password', () => {
  const confirm = render('account-remove-confirm');
  assert.match(confirm, /<h1>You are about to remove multi-factor authentication<\/h1>/);
  assert.match(confirm, /<a class="btn btn-primary" href="\/account\/mfa\/remove\?step=password">Next<\/a>/);
  assert.match(confirm, /<a class="btn btn-secondary" href="\/account">Cancel<\/a>/);
  assert.equal(forms(confirm).length, 0);
  assert.match(render('account-remove-confirm', 'nl'), /<h1>Je staat op het punt om multifactorauthenticatie te verwijderen<\/h1>/);
  const password = render('account-remove-password');
  const [form] = forms(password);
  assert.match(form, /action="\/account\/mfa\/remove"/);
  assert.match(form, /name="password" type="password" autocomplete="current-password" required autofocus aria-invalid="true"/);
  assert.match(form, /Remove multi-factor authentication<\/button>/);
  assert.match(password, /href="\/account">Cancel<\/a>/);
});

test('B11: new recovery codes are shown once with print/copy/download and a Done link back', () => {
  const html = render('account-codes');
  for (const code of SAMPLE_CODES) assert.ok(html.includes(`<code data-copy-item>${code}</code>`), code);
  assert.match(html, /data-print/);
  assert.match(html, /data-copy-target="recovery-codes"/);
  assert.match(html, /href="\/account\/mfa\/codes.txt" download/);
  assert.match(html, /Your old recovery codes no longer work\./);
  assert.match(html, /<a class="btn btn-primary" href="\/account">Done<\/a>/);
  assert.match(render('account-codes', 'nl'), /<h1>Je nieuwe herstelcodes<\/h1>/);
});

test('account page escapes user values', () => {
  const html = render('account', 'en', {
    user: { name: '<script>alert(1)</script>', username: '"><b>', email: null, role: 'admin', mfaEnabled: true, mustEnrol: false },
    storeName: '<i>store</i>',
    devices: [{ ...SAMPLE_DEVICES[0], userAgent: '"><img src=x onerror=alert(3)>', ip: '<u>ip</u>' }],
  });
  assert.doesNotMatch(html, /<script>alert|<b>|<i>store|<img src=x|<u>ip/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('S14: the wrong-code page offers the article\'s fixes, folded and open; the first code page keeps them folded', () => {
  const wrong = render('totp-verify-error', 'nl');
  assert.match(wrong, /<details class="help" open>\s*<summary>Wordt de code niet geaccepteerd\?<\/summary>/);
  assert.match(wrong, /Automatisch of Netwerk/);
  assert.match(wrong, /Instellingen &gt; Tijdcorrectie voor codes &gt; Nu synchroniseren/);
  assert.match(render('totp-verify'), /<details class="help">\s*<summary>Code not accepted\?<\/summary>/);
  assert.match(render('enrol-code'), /<details class="help">/, 'the code step of enrolment too');
});

test('S11: the recovery page says what to do when the codes are lost too', () => {
  const html = render('recovery');
  assert.match(html, /<summary>Lost your recovery codes\?<\/summary>/);
  assert.match(html, /Ask an administrator or the account owner of your store/);
  assert.match(html, /Contact support from the email address registered for the account owner/);
});

test('enrolling on the phone itself: the QR step also links the otpauth URI ("Open in authenticator app")', () => {
  const html = render('enrol-scan');
  assert.match(html, /<p class="open-in-app"><a class="btn btn-secondary" href="otpauth:\/\/totp\/POS%20Sign-in:demo%3Aalice\?secret&#x3D;JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&amp;issuer&#x3D;POS%20Sign-in&amp;algorithm&#x3D;SHA1&amp;digits&#x3D;6&amp;period&#x3D;30">Open in authenticator app<\/a><\/p>/);
  assert.match(render('enrol-scan', 'nl'), />Openen in authenticatie-app<\/a>/);
});

test('the wizard\'s password stage names the account for password managers (a hidden autocomplete="username" field)', () => {
  assert.match(render('enrol-password'), /<input type="text" autocomplete="username" value="[^"]+" hidden>/);
});

test('issue 13: the sign-in wizard has Back (not on the first and last stages) and Cancel, and counts 4 steps without the password', () => {
  const code = render('enrol-code');
  assert.match(code, /Step 3 of 4/);
  assert.match(code, /<input type="hidden" name="stage" value="code">\s*<button type="submit" name="move" value="back" class="btn btn-secondary">Back<\/button>/);
  assert.match(code, /<button type="submit" name="move" value="cancel" class="btn btn-link">Cancel<\/button>/);
  assert.match(render('enrol-scan'), /Step 2 of 4[\s\S]*name="move" value="back"/);
  assert.doesNotMatch(render('enrol-begin'), /value="back"/);
  assert.match(render('enrol-begin'), /value="cancel"/);
  assert.doesNotMatch(render('enrol-codes'), /name="move"/, 'the codes are active once shown: only forward');
  assert.match(render('enrol-account-code'), /Step 4 of 5[\s\S]*value="back"[\s\S]*href="\/account">Cancel/);
  assert.match(render('enrol-code', 'nl'), />Terug<\/button>/);
});

test('issue 13 item 7: a user agent in words, this machine as "This computer", in both languages', () => {
  const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
  const nl = (key: string, vars?: Record<string, string | number>) => translate('nl', key, vars);
  const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  assert.equal(userAgentInWords(en, chrome), 'Chrome on Linux');
  assert.equal(userAgentInWords(nl, chrome), 'Chrome op Linux');
  assert.equal(userAgentInWords(en, null), 'Unknown device');
  assert.equal(addressInWords(en, '::1'), 'This computer');
  assert.equal(addressInWords(en, '203.0.113.24'), '203.0.113.24');
});

test('issue 13 item 4: whoever must use MFA is offered Reset but not Remove, and told why', () => {
  const required = render('account-few-codes');
  assert.match(required, /action="\/account\/mfa\/reset"/);
  assert.doesNotMatch(required, /href="\/account\/mfa\/remove"/);
  assert.match(required, /Your role must use multi-factor authentication, so it can be reset but not removed\./);
  assert.match(render('account'), /href="\/account\/mfa\/remove"/, 'a manager without a policy may remove it');
});

test('the sign-in samples are made by the steps, in the states their names say (render.step-views.ts)', () => {
  const view = (name: string) => sample(name)[2];
  assert.equal(view('totp-verify').offerRemember, true);
  assert.equal(view('totp-verify-error').offerRemember, false, 'a native app: no remembered device (S8)');
  assert.deepEqual(view('passkey-verify').alternatives, [
    { url: '/interaction/abc123/use-app', label: 'factors.totp.switch' },
    { url: '/interaction/abc123/use-recovery', label: 'factors.passkey.lost' },
  ]);
  assert.equal(view('approval-refused').reason, 'role', 'B20: a cashier may not approve');
  assert.deepEqual(['enrol-proof', 'enrol-proof-unverified', 'enrol-proof-settling', 'enrol-proof-owner-no-address'].map((n) => view(n).email), ['ready', 'unverified', 'settling', 'none']);
  assert.equal(view('enrol-proof-owner-no-address').passFrom, 'support', 'S11: the owner\'s pass comes from support');
  assert.deepEqual(view('enrol-begin-after-reset').reset, { name: 'Adam Admin', date: '7 December', time: '14:05' }, 'issue 19 item 7, in the store\'s time');
  assert.deepEqual(['mfa-rollout', 'mfa-rollout-one-day', 'mfa-rollout-last-day'].map((n) => view(n).daysLeft), [12, 1, 0]);
  assert.equal(view('mfa-rollout-password-only').passwordOnly, true);
  assert.equal(view('quick-switch-revoked').revoked, true);
  assert.deepEqual((view('quick-switch').people as Array<{ name: string; pin: boolean }>).map((p) => [p.name, p.pin]), [['Ann Jansen', true], ['Bram de Vries', false]], 'B19: no PIN above the current cashier');
  assert.deepEqual(view('quick-switch-empty').people, []);
  assert.match(render('quick-switch-pin'), /Ann Jansen/);
  assert.match(render('quick-switch-revoked'), /<form method="post" action="\/interaction\/abc123\/quick-switch-unavailable"/);
});
