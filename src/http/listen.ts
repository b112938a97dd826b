// Starts an HTTP server for a Koa app; a port already in use fails with one clear line naming the setting to change.
import type { Server } from 'node:http';
import type Koa from 'koa';

export function listen(app: Koa, port: number, setting: string, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use: stop the program using it, or set ${setting} to another port`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new Error(`cannot listen on ${host}: not an address of this machine (HOST)`));
      else reject(err);
    });
  });
}
