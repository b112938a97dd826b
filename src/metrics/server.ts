// GET /metrics in Prometheus text format on its own loopback-or-private port (METRICS_PORT), never on the public one;
// with METRICS_TOKEN set, only for `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Registry } from 'prom-client';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries the bearer token (compared in constant time). */
function authorized(req: http.IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return Boolean(match?.[1] && timingSafeEqual(digest(match[1]), digest(token)));
}

export function startMetricsServer(registry: Registry, port: number, host: string, token?: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!authorized(req, token)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"' }).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use: stop the program using it, or set METRICS_PORT to another port`) : err),
    );
    server.listen(port, host, () => resolve(server));
  });
}
