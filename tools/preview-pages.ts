// Dev preview of the sign-in pages: serves every sample page (with the real CSP) and, with --shots DIR,
// saves phone and desktop screenshots in both locales. Usage: npx tsx tools/preview-pages.ts [--port 4000] [--shots /tmp/shots]
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import Koa from 'koa';
import { createAssets } from '../src/http/assets.js';
import { isLocale } from '../src/http/i18n.js';
import { createRenderer } from '../src/http/render.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { sampleViews } from '../test/unit/render.fixtures.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { PROJECT_ROOT as root } from '../src/root.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const assets = createAssets(root);
const renderer = createRenderer({ root, productName: 'POS Sign-in', assets });
const samples = await sampleViews();

const app = new Koa();
app.use(securityHeaders());
app.use(assets.middleware);
app.use(async (ctx) => {
  const [, name, lang] = ctx.path.split('/');
  const sample = samples.find(([n]) => n === name);
  if (!sample) {
    ctx.type = 'html';
    ctx.body = samples.map(([n]) => `<a href="/${n}/en">${n}</a> (<a href="/${n}/nl">nl</a>)`).join('<br>');
    return;
  }
  ctx.type = 'html';
  ctx.body = renderer.page(sample[1], sample[2], isLocale(lang) ? lang : 'en');
});

const server = app.listen(Number(arg('--port') ?? 0), '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
console.log(`preview at ${base}/`);

const shots = arg('--shots');
if (shots) {
  mkdirSync(shots, { recursive: true });
  const browser = await launchBrowser();
  const problems: string[] = [];
  for (const [width, height, label] of [[390, 844, 'phone'], [1280, 900, 'desktop']] as const) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: process.argv.includes('--dark') ? 'dark' : 'light' });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    for (const [name] of samples) {
      for (const lang of ['en', 'nl']) {
        if (label === 'desktop' && lang === 'nl' && !process.argv.includes('--all')) continue;
        await page.goto(`${base}/${name}/${lang}`);
        await page.screenshot({ path: path.join(shots, `${name}-${lang}-${label}.png`), fullPage: true });
      }
    }
    await page.close();
  }
  await browser.close();
  console.log(problems.length ? `browser problems:\n${problems.join('\n')}` : 'no console errors or CSP violations');
  server.close();
}
