// A client registry for a test (CLIENTS_FILE): the shipped clients plus the test's own.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT as ROOT } from '../../src/root.js';

export async function clientsFileWith(extra: Record<string, unknown>[]): Promise<string> {
  const shipped = JSON.parse(await readFile(path.join(ROOT, 'config/clients.json'), 'utf8')) as { clients: Record<string, unknown>[] };
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'clients-')), 'clients.json');
  await writeFile(file, JSON.stringify({ clients: [...shipped.clients, ...extra] }));
  return file;
}
