// The client registry: relying parties from a JSON file, with ${ISSUER} and ${DEMO_URL} placeholders filled in.
import type { ClientMetadata, Provider } from 'oidc-provider';
import { readConfigFile } from './config-file.js';

export async function loadClients(file: string, vars: Record<string, string>, opts: { production?: boolean } = {}): Promise<ClientMetadata[]> {
  const { raw, json } = await readConfigFile(file, vars);
  if (opts.production && raw.includes('change-me-in-production')) {
    throw new Error(`${file} still holds the development client secrets: set CLIENTS_FILE to a registry with your own secrets.`);
  }
  return (json as { clients: ClientMetadata[] }).clients;
}

/** oidc-provider checks a static client when it is first used: check them all at start, so a bad registry never starts. */
export async function checkClients(provider: Provider, clients: ClientMetadata[], file: string): Promise<void> {
  for (const { client_id: id } of clients) {
    try {
      if (!(await provider.Client.find(id))) throw new Error('not found');
    } catch (err) {
      const e = err as { error_description?: string; message?: string };
      throw new Error(`${file}: client "${id}": ${e.error_description ?? e.message}`);
    }
  }
}
