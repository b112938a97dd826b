// Two provider instances on one database behind a proxy whose routing the test decides (round-robin by default, or
// "this request to A"), as a load balancer without affinity would spread a browser's requests.
import http from 'node:http';
import { startTestDatabase } from './database.js';
import { freePort } from './free-port.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export type Instance = 'a' | 'b';

export interface TwoInstances {
  a: Stack;
  b: Stack;
  /** the issuer both instances serve, at the proxy */
  issuer: string;
  /** Which instance the next request goes to; round-robin (a, b, a, ...) when it returns undefined. */
  route: (req: http.IncomingMessage) => Instance | undefined;
  /** The instances that served the requests so far, in order. */
  served: Instance[];
  close(): Promise<void>;
}

export async function startTwoInstances(env: Record<string, string> = {}, opts: Omit<StackOptions, 'database'> = {}): Promise<TwoInstances> {
  const database = await startTestDatabase();
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  // the database outlives each instance: it is stopped once both are closed
  const shared = { ...database, stop: async () => undefined };
  const a = await startStack({ ...env, ISSUER: issuer }, { ...opts, database: shared });
  const b = await startStack({ ...env, ISSUER: issuer }, { ...opts, database: shared });
  const upstream = { a: new URL(a.issuer), b: new URL(b.issuer) };
  let turn = 0;
  const pair: TwoInstances = {
    a,
    b,
    issuer,
    route: () => undefined,
    served: [],
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await a.close();
      await b.close();
      await database.stop();
    },
  };
  const server = http.createServer((req, res) => {
    const to = pair.route(req) ?? (turn++ % 2 === 0 ? 'a' : 'b');
    pair.served.push(to);
    const target = upstream[to];
    const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return pair;
}
