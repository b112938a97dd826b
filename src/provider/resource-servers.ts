// Resource servers that receive JWT access tokens (RFC 8707 resource indicators) carrying acr, amr and auth_time (B4).
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ResourceServerConfig {
  indicator: string;
  name: string;
  scope: string;
}

export async function loadResourceServers(file: string, vars: Record<string, string>): Promise<ResourceServerConfig[]> {
  const raw = await readFile(path.resolve(file), 'utf8');
  const filled = raw.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => vars[name] ?? '');
  return (JSON.parse(filled) as { resource_servers: ResourceServerConfig[] }).resource_servers;
}
