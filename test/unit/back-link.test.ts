// "Back to <client>" (issue 13 item 3): which return_to values are a registered way back (checklist 78, 84), and how
// the layout shows the link and the "Trouble signing in?" footer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { returnTarget } from '../../src/http/return-target.js';
import { createRenderer } from '../../src/http/render.js';

const pos = { clientName: 'Demo POS', redirectUris: ['https://pos.example/callback'], postLogoutRedirectUris: ['https://pos.example/'] };

test('exactly a registered redirect or post-logout URI is a way back, as the browser would open it', () => {
  assert.deepEqual(returnTarget(pos, 'https://pos.example/'), { href: 'https://pos.example/', clientName: 'Demo POS' });
  assert.deepEqual(returnTarget(pos, 'https://pos.example'), { href: 'https://pos.example/', clientName: 'Demo POS' });
  assert.deepEqual(returnTarget(pos, 'HTTPS://POS.example:443/'), { href: 'https://pos.example/', clientName: 'Demo POS' });
  assert.deepEqual(returnTarget(pos, 'https://pos.example/callback'), { href: 'https://pos.example/callback', clientName: 'Demo POS' });
});

test('anything else is no way back: other origins and paths, schemes, userinfo, fragments, no name, no client', () => {
  for (const value of [
    'https://evil.example/',
    'https://pos.example.evil.example/',
    'https://pos.example@evil.example/',
    'https://user@pos.example/',
    'https://pos.example/reports',
    'https://pos.example/?next=https://evil.example/',
    'https://pos.example/#frag',
    'http://pos.example/',
    'https://pos.example:8443/',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,hi',
    '//pos.example/',
    '/',
    '',
    `https://pos.example/${'a'.repeat(2000)}`,
    42,
    undefined,
  ]) assert.equal(returnTarget(pos, value), undefined, String(value));
  assert.equal(returnTarget(undefined, 'https://pos.example/'), undefined);
  assert.equal(returnTarget({ ...pos, clientName: undefined }, 'https://pos.example/'), undefined);
  // a registered URI in a scheme a page must not link to never becomes a link
  assert.equal(returnTarget({ clientName: 'App', redirectUris: ['com.example.pos:/oauth/callback'] }, 'com.example.pos:/oauth/callback'), undefined);
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const renderer = createRenderer({ root, productName: 'POS Sign-in' });

test('the layout shows the link, escaped and translated, and the footer only where nobody is signed in', () => {
  const link = { href: 'https://pos.example/?a=1&b="2"', clientName: 'Demo <POS>' };
  const signedIn = renderer.page('error', { title: 't', message: 'm', backLink: link, signedIn: true }, 'nl');
  assert.match(signedIn, /<a href="https:\/\/pos\.example\/\?a&#x3D;1&amp;b&#x3D;&quot;2&quot;" data-back-to-client>/);
  assert.match(signedIn, /Terug naar Demo &lt;POS&gt;/);
  assert.doesNotMatch(signedIn, /class="footer"/);
  const signIn = renderer.page('error', { title: 't', message: 'm' }, 'en');
  assert.doesNotMatch(signIn, /data-back-to-client/);
  assert.match(signIn, /class="footer"[\s\S]*Trouble signing in\?/);
});
