// Every item of the security checklist (86) is tested by a test whose name carries its number, or explained in the
// table of docs/security.md; this reads the test names (it / test / describe) of every test file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ITEMS = 86;

const testFiles = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  );

/** "checklist 21-24", "checklist 32, 33", "(B2, checklist 21-23, 39)": the numbers a name cites. */
function citedItems(name: string): number[] {
  const found: number[] = [];
  for (const cite of name.matchAll(/checklist\s+(\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)/gi)) {
    for (const part of cite[1]!.split(',')) {
      const [from, to] = part.split(/[-–]/).map((n) => Number(n.trim()));
      for (let n = from!; n <= (to ?? from!); n++) found.push(n);
    }
  }
  return found;
}

test('the checklist citation reader understands lists and ranges', () => {
  assert.deepEqual(citedItems("checklist 22, 24: a known device ..."), [22, 24]);
  assert.deepEqual(citedItems('abuse cases (B2, checklist 21-23, 39, 80, 86)'), [21, 22, 23, 39, 80, 86]);
  assert.deepEqual(citedItems('no citation here (S8)'), []);
});

test('every checklist item is tested by number or explained in docs/security.md', () => {
  const tested = new Map<number, Set<string>>();
  for (const file of testFiles('test')) {
    const source = readFileSync(path.join(root, file), 'utf8');
    for (const call of source.matchAll(/\b(?:it|test|describe)\(\s*(['"`])((?:\\.|(?!\1)[^\\])*?)\1\s*,/g)) {
      for (const item of citedItems(call[2]!)) tested.set(item, (tested.get(item) ?? new Set()).add(file));
    }
  }
  const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
  const explained = new Set([...doc.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));
  for (const item of explained) assert.ok(item >= 1 && item <= ITEMS, `docs/security.md explains item ${item}, which does not exist`);
  const neither = Array.from({ length: ITEMS }, (_, i) => i + 1).filter((item) => !tested.has(item) && !explained.has(item));
  assert.deepEqual(neither, [], 'items with neither a test that names them nor a row in docs/security.md');
});
