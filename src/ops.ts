// Operator CLI (S11, B17): `npm run ops -- reset-mfa|issue-pass --store <prefix> --user <username> --reason "<text>" [--operator <name>]`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from './config.js';
import { resolveDatabase, type ResolvedDatabase } from './db/database-uri.js';
import { canConnect } from './db/free-port.js';
import { connectDatabase } from './db/connect.js';
import type { Models } from './models/index.js';
import { createServices, type Services } from './container.js';
import { loadDeploymentSecrets } from './provider/deployment-secrets.js';
import { mongoAdminStores, mongoAdminUsers, mongoSessionRevoker } from './models/stores/admin.js';
import { createPayloadStore } from './models/stores/payloads.js';
import { operatorResetMfa } from './services/admin/index.js';
import { operatorIssuePass, type OperatorPassResult, type OperatorResetInput, type OperatorResetResult } from './services/admin/operator.js';

export interface OpsIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = [
  'Usage: npm run ops -- <command> --store <prefix> --user <username> --reason "<why, and the request it answers>" [--operator <name>]',
  '',
  '  reset-mfa   Break-glass reset of a user\'s MFA (typically the account owner who lost every factor), only on a',
  '              request from the owner\'s registered email. The user must set MFA up again at the next sign-in;',
  '              their sessions, refresh tokens and remembered devices end; the user is notified; the reset is',
  '              audited as mfa.reset_by_operator with the reason and the operator. Prints a temporary access pass.',
  '  issue-pass  A temporary access pass for the first authenticator of a user who has none (a new owner, the demo',
  '              store\'s owner and admin after their printed passes expired): a password alone never sets one up.',
  '              Audited as access_pass.issued_by_operator; the user is emailed (without the pass).',
].join('\n');

/** The reset itself, on an open database and the app's services (the CLI and the tests both call this). */
export async function resetMfa(ctx: { models: Models; services: Pick<Services, 'mfa' | 'audit' | 'binding'> }, input: OperatorResetInput): Promise<OperatorResetResult> {
  return operatorResetMfa(
    {
      stores: mongoAdminStores(ctx.models),
      users: mongoAdminUsers(ctx.models),
      mfa: ctx.services.mfa,
      endSessions: mongoSessionRevoker(ctx.models, createPayloadStore(ctx.models)),
      audit: ctx.services.audit,
      binding: ctx.services.binding,
    },
    input,
  );
}

const FAILURES: Record<Exclude<OperatorResetResult | OperatorPassResult, { ok: true }>['error'], (i: OperatorResetInput) => string> = {
  reason_missing: () => '--reason is required (why, and which request from the owner\'s registered email it answers)',
  operator_missing: () => '--operator is empty',
  store_unknown: (i) => `no store with the prefix "${i.storePrefix}"`,
  user_unknown: (i) => `no user "${i.username}" in store "${i.storePrefix}"`,
  has_mfa: (i) => `"${i.username}" has multi-factor authentication: they add an authenticator by signing in with the one they have (reset-mfa if they lost them all)`,
};

export function describePass(result: OperatorPassResult, input: OperatorResetInput): string {
  if (!result.ok) return `issue-pass: ${FAILURES[result.error](input)}`;
  return (
    `OK: temporary access pass for "${result.user.username}" (${result.user.role}) in store "${result.store.prefix}" by operator "${input.operator}", ` +
    'audited as access_pass.issued_by_operator; the user was emailed (without the pass).\n' +
    `Give it in person or by phone, never by email; it works once, until ${result.expiresAt.toISOString()}:\n` +
    `  ${result.pass}`
  );
}

export function describeResult(result: OperatorResetResult, input: OperatorResetInput): string {
  if (!result.ok) return `reset-mfa: ${FAILURES[result.error](input)}`;
  return (
    `OK: MFA reset for "${result.user.username}" (${result.user.role}) in store "${result.store.prefix}" by operator "${input.operator}": ` +
    `must set up MFA at the next sign-in; ${result.sessionsEnded} session(s)/token(s) ended, remembered devices forgotten, ` +
    'user notified, audited as mfa.reset_by_operator.\n' +
    `Temporary access pass for the owner's new authenticator (give it in person or by phone, never by email; valid once, until ${result.expiresAt.toISOString()}):\n` +
    `  ${result.pass}`
  );
}

// With no MONGODB_URI, a running provider's embedded database is used as is; only when none runs is one started.
async function openDatabase(config: ReturnType<typeof loadConfig>, io: OpsIo): Promise<ResolvedDatabase> {
  if (!config.mongodbUri && (await canConnect(config.embeddedDbPort))) {
    return { uri: `mongodb://127.0.0.1:${config.embeddedDbPort}/mfa-idp`, stop: async () => undefined };
  }
  return resolveDatabase(config, (msg) => io.err(msg));
}

// Throws on an unknown option or a missing option value.
const parseCommandLine = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      user: { type: 'string' },
      reason: { type: 'string' },
      operator: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** The CLI: parses arguments, connects like main.ts, runs the command; returns the exit code (0 ok, 1 failure). */
export async function runOps(argv: string[], env: NodeJS.ProcessEnv = process.env, io: OpsIo = defaultIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.err(`ops: ${(err as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const command = positionals[0];
  if ((command !== 'reset-mfa' && command !== 'issue-pass') || positionals.length > 1) {
    io.err(`ops: ${positionals[0] ? `unknown command "${positionals.join(' ')}"` : 'no command given'}\n\n${USAGE}`);
    return 1;
  }
  if (!values.store || !values.user) {
    io.err(`${command}: --store and --user are required\n\n${USAGE}`);
    return 1;
  }
  const input: OperatorResetInput = {
    storePrefix: values.store,
    username: values.user,
    reason: values.reason ?? '',
    operator: values.operator ?? env.USER ?? os.userInfo().username,
    host: os.hostname(),
  };
  // refuse before touching the database
  if (!input.reason.trim()) {
    io.err(`${command}: ${FAILURES.reason_missing(input)}`);
    return 1;
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
  const database = await openDatabase(config, io);
  const db = await connectDatabase(database.uri, { syncIndexes: database.syncIndexes });
  try {
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    const secrets = await loadDeploymentSecrets(config, db.models);
    const services = createServices({ config, models: db.models, secrets, logger });
    if (command === 'issue-pass') {
      const issued = await operatorIssuePass({ stores: mongoAdminStores(db.models), users: mongoAdminUsers(db.models), audit: services.audit, binding: services.binding }, input);
      (issued.ok ? io.out : io.err)(describePass(issued, input));
      return issued.ok ? 0 : 1;
    }
    const result = await resetMfa({ models: db.models, services }, input);
    (result.ok ? io.out : io.err)(describeResult(result, input));
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
    await database.stop();
  }
}

const defaultIo: OpsIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runOps(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`ops: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
