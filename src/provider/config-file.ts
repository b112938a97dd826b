// Reads a JSON configuration file (clients, resource servers) with ${NAME} placeholders filled from `vars`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function readConfigFile(file: string, vars: Record<string, string>): Promise<{ raw: string; json: unknown }> {
  const raw = await readFile(path.resolve(file), 'utf8');
  return { raw, json: JSON.parse(raw.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => vars[name] ?? '')) };
}
