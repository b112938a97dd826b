// The client registry: relying parties from a JSON file, with ${ISSUER} and ${DEMO_URL} placeholders filled in.
import type { ClientMetadata } from 'oidc-provider';
import { readConfigFile } from './config-file.js';

export async function loadClients(file: string, vars: Record<string, string>, opts: { production?: boolean } = {}): Promise<ClientMetadata[]> {
  const { raw, json } = await readConfigFile(file, vars);
  if (opts.production && raw.includes('change-me-in-production')) {
    throw new Error(`${file} still holds the development client secrets: set CLIENTS_FILE to a registry with your own secrets.`);
  }
  return (json as { clients: ClientMetadata[] }).clients;
}
