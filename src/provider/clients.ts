// The client registry: relying parties from a JSON file, with ${ISSUER} and ${DEMO_URL} placeholders filled in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';

export async function loadClients(file: string, vars: Record<string, string>, opts: { production?: boolean } = {}): Promise<ClientMetadata[]> {
  const raw = await readFile(path.resolve(file), 'utf8');
  if (opts.production && raw.includes('change-me-in-production')) {
    throw new Error(`${file} still holds the development client secrets: set CLIENTS_FILE to a registry with your own secrets.`);
  }
  const filled = raw.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => vars[name] ?? '');
  const parsed = JSON.parse(filled) as { clients: ClientMetadata[] };
  return parsed.clients;
}
