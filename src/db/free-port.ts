// Free TCP ports on loopback, and whether something already listens on one.
import net from 'node:net';

const host = '127.0.0.1';

// Picked below Linux's ephemeral range (32768 and up by default), not by listening on port 0: that picks from the
// ephemeral range, where the OS may hand the port to an outgoing connection (of this process or another) between this
// check and the server's listen. Below it only another listener can take the port, and a random pick makes that rare.
const LOW = 20_000;
const HIGH = 32_767;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Asks the OS for a port 0 one (the ephemeral range), when no low port was free. */
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A currently free TCP port on 127.0.0.1 for a server of ours to listen on. */
export async function freeLoopbackPort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (await bindable(port)) return port;
  }
  return ephemeralPort();
}

/** True when a TCP connection to 127.0.0.1:port succeeds within a second. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
