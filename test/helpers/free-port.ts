// A currently free TCP port on 127.0.0.1 for a test server to listen on.
import net from 'node:net';
import { freeLoopbackPort } from '../../src/db/free-port.js';

// Below Linux's ephemeral range (32768 and up by default): port 0 picks from that range, where the OS may hand the
// port to an outgoing connection of a test file running alongside between our check and the server's listen (a CI run
// lost the demo POS's port that way). Here only another listener can take it, and a random pick makes that unlikely.
const LOW = 20_000;
const HIGH = 32_767;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (await bindable(port)) return port;
  }
  return freeLoopbackPort();
}
