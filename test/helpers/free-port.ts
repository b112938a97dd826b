// A currently free TCP port on 127.0.0.1 for a test server to listen on (below the ephemeral range: src/db/free-port.ts).
import { freeLoopbackPort } from '../../src/db/free-port.js';

export function freePort(): Promise<number> {
  return freeLoopbackPort();
}
