// Prometheus metrics (prom-client) in one registry per process; served apart from the public port (src/metrics/server.ts).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandMonitor } from '../db/connect.js';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mfa_idp_' });
  const dbCommands = new Counter({ name: 'mfa_idp_db_commands_total', help: 'Database commands sent, by command name and outcome', labelNames: ['command', 'outcome'], registers: [registry] });
  const dbLatency = new Histogram({
    name: 'mfa_idp_db_command_duration_seconds',
    help: 'Database command latency',
    labelNames: ['command'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [registry],
  });
  const dbMonitor: CommandMonitor = {
    succeeded: (e) => {
      dbCommands.inc({ command: e.commandName, outcome: 'ok' });
      dbLatency.observe({ command: e.commandName }, e.duration / 1000);
    },
    failed: (e) => {
      dbCommands.inc({ command: e.commandName, outcome: 'error' });
      dbLatency.observe({ command: e.commandName }, e.duration / 1000);
    },
  };
  return { registry, dbMonitor };
}

export type Metrics = ReturnType<typeof createMetrics>;
