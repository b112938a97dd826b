// Resource servers that receive JWT access tokens (RFC 8707 resource indicators) carrying acr, amr and auth_time (B4).
import { readConfigFile } from './config-file.js';

export interface ResourceServerConfig {
  indicator: string;
  name: string;
  scope: string;
  /** access token lifetime in seconds (default 600) */
  accessTokenTTL?: number;
  /** manager approvals (B20) are issued for this resource server, and used once at POST /approvals/redeem */
  approvals?: boolean;
}

export async function loadResourceServers(file: string, vars: Record<string, string>): Promise<ResourceServerConfig[]> {
  const { json } = await readConfigFile(file, vars);
  return (json as { resource_servers: ResourceServerConfig[] }).resource_servers;
}
