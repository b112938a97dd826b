// Reads the provider's Prometheus endpoint: the sum of every mfa_idp_db_commands_total sample (undefined when absent).
const METRIC = 'mfa_idp_db_commands_total';

export async function readDbCommands(metricsUrl: string): Promise<number | undefined> {
  let text: string;
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    text = await res.text();
  } catch {
    return undefined;
  }
  let total = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    // `name value [timestamp]` or `name{labels} value [timestamp]`; a label value may contain spaces
    const next = line[METRIC.length];
    if (!line.startsWith(METRIC) || (next !== '{' && next !== ' ')) continue;
    const rest = next === '{' ? line.slice(line.lastIndexOf('}') + 1) : line.slice(METRIC.length);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) {
      total += value;
      seen = true;
    }
  }
  return seen ? total : undefined;
}
