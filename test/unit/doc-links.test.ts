// Every relative link and #anchor in README.md, docs/*.md and bench/README.md points at a file that exists and, for an
// anchor, at a heading of that file (GitHub's heading ids), so the split docs stay navigable (issue 23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = ['README.md', 'bench/README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code spans, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, ... */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, text] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const plain = text!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/** Inline links' and reference definitions' targets. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const defined = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...defined];
}

test('heading ids and link targets are read as GitHub reads them', () => {
  const ids = headingIds('# Integrators: DPoP and PAR\n## `npm run db` (several instances)\n## Notes\n## Notes\n```\n# not a heading\n```\n');
  assert.deepEqual([...ids], ['integrators-dpop-and-par', 'npm-run-db-several-instances', 'notes', 'notes-1']);
  const targets = linkTargets('See [ops](docs/operators.md#health) and [top](#x "t"), not `[code](nope.md)`.\n\n[ref]: bench/README.md\n');
  assert.deepEqual(targets, ['docs/operators.md#health', '#x', 'bench/README.md']);
});

test('every relative link and #anchor in README.md, docs/*.md and bench/README.md resolves (issue 23)', () => {
  const broken: string[] = [];
  for (const doc of DOCS) {
    const source = readFileSync(path.join(root, doc), 'utf8');
    for (const target of linkTargets(source)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: are not ours to check
      const [file, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = file === '' ? path.join(root, doc) : path.resolve(path.dirname(path.join(root, doc)), decodeURIComponent(file));
      if (!resolved.startsWith(root) || !existsSync(resolved)) {
        broken.push(`${doc}: ${target} (no such file)`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
        broken.push(`${doc}: ${target} (an anchor into something that is not a Markdown file)`);
        continue;
      }
      if (!headingIds(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${doc}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});
