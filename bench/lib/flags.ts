// The benches' command-line flags: --users, --data, --quick, --rounds, --data-dir.
import { parseArgs } from 'node:util';

export interface BenchFlags {
  users: number;
  data: number;
  quick: boolean;
  /** undefined when not given */
  rounds: number | undefined;
  dataDir: string | undefined;
}

export function parseFlags(defaults: { users: number }): BenchFlags {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      data: { type: 'string' },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined, fallback: number, min: number) => {
    if (v === undefined) return fallback;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    users: int('users', values.users, defaults.users, 16),
    data: int('data', values.data, 0, 0),
    quick: values.quick ?? false,
    rounds: values.rounds === undefined ? undefined : int('rounds', values.rounds, 1, 1),
    dataDir: values['data-dir'],
  };
}
