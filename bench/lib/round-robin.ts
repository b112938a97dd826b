// A round-robin HTTP proxy: each request goes to the next upstream in turn (not each connection), as a load balancer
// without session affinity would send a browser's requests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  url: string;
  /** requests forwarded to each upstream so far */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobin(upstreams: string[], port = 0): Promise<RoundRobin> {
  const targets = upstreams.map((u) => new URL(u));
  const counts = targets.map(() => 0);
  // a fresh upstream connection per request: a kept-alive one can be closed by the provider just as it is reused, and
  // the proxy would answer 502 for a request the provider never saw (3 of 220k in a 79-minute soak)
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % targets.length;
    const target = targets[i] as URL;
    counts[i] = (counts[i] ?? 0) + 1;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    counts: () => [...counts],
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}
