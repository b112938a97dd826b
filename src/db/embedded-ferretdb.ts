// FerretDB (our Go launcher in tools/ferretdb) on loopback over the embedded PostgreSQL, supervised like it.
import { ensureFerretdbBinary } from './build-ferretdb.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';
import { canConnect, freeLoopbackPort } from './free-port.js';
import { startSupervised } from './supervised-process.js';

export interface EmbeddedFerretdb {
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
}

const host = '127.0.0.1';

export interface EmbeddedFerretdbOptions {
  postgres: EmbeddedPostgres;
  port?: number;
  log: (msg: string) => void;
  onOutput?: (line: string) => void;
  /** Loopback port for Go memory statistics (/debug/vars) and heap profiles (/debug/pprof/heap): benchmarks only. */
  debugPort?: number;
}

export async function startEmbeddedFerretdb(opts: EmbeddedFerretdbOptions): Promise<EmbeddedFerretdb> {
  const binary = await ensureFerretdbBinary({ log: opts.log });
  // A picked free port can be taken by someone else before FerretDB binds it: retry with a new one.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freeLoopbackPort());
    // otherwise the readiness probe would succeed against whatever already listens there
    if (await canConnect(port)) {
      if (opts.port || attempt >= 3) throw new Error(`cannot start ferretdb: ${host}:${port} is already in use (EMBEDDED_DB_PORT)`);
      continue;
    }
    const { postgres } = opts;
    const server = await startSupervised({
      name: 'ferretdb',
      command: binary,
      args: ['-listen', `${host}:${port}`, '-postgresql-url', `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}`, '-exit-on-stdin-close', ...(opts.debugPort ? ['-debug-listen', `${host}:${opts.debugPort}`] : [])],
      env: { ...process.env, FERRETDB_POSTGRESQL_PASSWORD: postgres.password },
      // stdin stays an open pipe: when this process dies the pipe closes and FerretDB exits with it
      pipeStdin: true,
      probe: () => canConnect(port),
      log: opts.log,
      onOutput: opts.onOutput,
    });
    opts.log(`ferretdb: listening on ${host}:${port}`);
    return { port, pid: server.pid, stop: server.stop };
  }
}
