// Prometheus metrics (prom-client) in one registry per process; served apart from the public port (src/metrics/server.ts).
// The services report through the small ports of src/services/observe, which `observer` implements here.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandMonitor } from '../db/connect.js';
import type { Observer } from '../services/observe/index.js';

/** The outbox's backlog at `now` (what is due and not gone), read on each scrape (src/models/stores/outbox.ts). */
export type OutboxBacklog = (now: Date) => Promise<{ pending: number; oldestCreatedAt: Date | null }>;

/** A scrape waits at most this long for the database; then the outbox gauges read NaN ("unknown"). */
const COLLECT_TIMEOUT_MS = 1_000;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mfa_idp_' });
  const registers = [registry];
  const dbCommands = new Counter({ name: 'mfa_idp_db_commands_total', help: 'Database commands sent, by command name and outcome', labelNames: ['command', 'outcome'], registers });
  const dbLatency = new Histogram({
    name: 'mfa_idp_db_command_duration_seconds',
    help: 'Database command latency',
    labelNames: ['command'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers,
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

  const signIns = new Counter({
    name: 'mfa_idp_signins_total',
    help: 'Sign-in submissions by outcome (completed, failed_password, failed_second_factor, failed_access_pass, throttled) and factor; completed ones with acr and amr',
    labelNames: ['outcome', 'factor', 'acr', 'amr'],
    registers,
  });
  const steps = new Histogram({
    name: 'mfa_idp_signin_step_duration_seconds',
    help: "Sign-in step latency: rendering a step's page (render) or answering its form (submit: checks, writes, next page)",
    labelNames: ['step', 'phase'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const refusals = new Counter({
    name: 'mfa_idp_throttle_refusals_total',
    help: 'Attempts refused unchecked: wait (back-off), closed (sign-in from unknown devices closed), busy (another attempt this second)',
    labelNames: ['reason', 'factor'],
    registers,
  });
  const locks = new Counter({ name: 'mfa_idp_throttle_locks_total', help: 'Accounts whose sign-in from unknown devices closed (100 failures)', labelNames: ['factor'], registers });
  const breachChecks = new Counter({ name: 'mfa_idp_breach_checks_total', help: 'Pwned Passwords checks by outcome (ok, breached, unavailable) and source (cache, api)', labelNames: ['outcome', 'source'], registers });
  const breachLatency = new Histogram({
    name: 'mfa_idp_breach_check_duration_seconds',
    help: 'Pwned Passwords check latency, by source (cache, api)',
    labelNames: ['source'],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5],
    registers,
  });

  const observer: Observer = {
    signIn: (e) => signIns.inc({ outcome: e.outcome, factor: e.factor, ...(e.acr ? { acr: e.acr } : {}), ...(e.amr ? { amr: e.amr } : {}) }),
    step: (e) => steps.observe({ step: e.step, phase: e.phase }, e.seconds),
    refused: (e) => refusals.inc({ reason: e.reason, factor: e.factor }),
    locked: (e) => locks.inc({ factor: e.factor }),
    checked: (e) => {
      breachChecks.inc({ outcome: e.outcome, source: e.source });
      breachLatency.observe({ source: e.source }, e.seconds);
    },
  };

  /** Outbox depth and the age of its oldest pending message, read from the database on each scrape. */
  function watchOutbox(backlog: OutboxBacklog, clock: () => Date = () => new Date()) {
    let reading: Promise<void> | undefined;
    // both gauges come from one read; a scrape that arrives while one is running shares it
    const read = () => {
      reading ??= withTimeout(backlog(clock()), COLLECT_TIMEOUT_MS)
        .then(
          ({ pending, oldestCreatedAt }) => {
            depth.set(pending);
            age.set(oldestCreatedAt ? Math.max(0, (clock().getTime() - oldestCreatedAt.getTime()) / 1000) : 0);
          },
          () => {
            depth.set(Number.NaN);
            age.set(Number.NaN);
          },
        )
        .finally(() => {
          reading = undefined;
        });
      return reading;
    };
    const depth = new Gauge({
      name: 'mfa_idp_outbox_pending_messages',
      help: 'Deliveries (emails, back-channel logouts) due and waiting in the outbox, retries included (counted up to 10000); NaN when the database did not answer',
      registers,
      collect: read,
    });
    const age = new Gauge({
      name: 'mfa_idp_outbox_oldest_pending_age_seconds',
      help: 'How long the oldest due delivery has waited in the outbox (0 when none); NaN when the database did not answer',
      registers,
      collect: read,
    });
  }

  return { registry, dbMonitor, observer, watchOutbox };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type Metrics = ReturnType<typeof createMetrics>;
