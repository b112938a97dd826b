// The client registry: relying parties from a JSON file, with ${ISSUER} and ${DEMO_URL} placeholders filled in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';

export async function loadClients(file: string, vars: Record<string, string>): Promise<ClientMetadata[]> {
  const raw = await readFile(path.resolve(file), 'utf8');
  const filled = raw.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => vars[name] ?? '');
  const parsed = JSON.parse(filled) as { clients: ClientMetadata[] };
  return parsed.clients;
}
