// A local Pwned Passwords range API (`SUFFIX:COUNT\r\n`, optional padding) for breach-check tests.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHibp {
  /** Base URL to pass as the checker's baseUrl. */
  url: string;
  close(): Promise<void>;
  /** Request URLs (path + query) in arrival order. */
  requests: string[];
  /** Request headers, in the same order as `requests`. */
  headers: IncomingHttpHeaders[];
  /** true: answer 503; a number: answer that status; 'hang': accept the request and never answer; false: normal. */
  setDown(down: boolean | number | 'hang'): void;
  /** Serve suffixes in lowercase from now on (or uppercase again). */
  setLowercase(lowercase: boolean): void;
}

export interface FakeHibpOptions {
  /** Serve suffixes in lowercase (the real API uses uppercase). */
  lowercase?: boolean;
}

function sha1(pw: string): string {
  return createHash('sha1').update(pw, 'utf8').digest('hex').toUpperCase();
}

/**
 * `breached` maps password -> count; a count of 0 puts the password's suffix in the response as a
 * padding line. With `Add-Padding: true`, random count-0 lines pad the answer to 800-1,000 lines.
 */
export async function startFakeHibp(breached: Record<string, number>, options: FakeHibpOptions = {}): Promise<FakeHibp> {
  const byPrefix = new Map<string, string[]>();
  for (const [pw, count] of Object.entries(breached)) {
    const hash = sha1(pw);
    const lines = byPrefix.get(hash.slice(0, 5)) ?? [];
    lines.push(`${hash.slice(5)}:${count}`);
    byPrefix.set(hash.slice(0, 5), lines);
  }
  let down: boolean | number | 'hang' = false;
  let lowercase = Boolean(options.lowercase);
  const requests: string[] = [];
  const headers: IncomingHttpHeaders[] = [];

  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    headers.push(req.headers);
    if (down === 'hang') return;
    const redirected = (req.url ?? '').includes('redirected');
    if (down && !redirected) {
      const status = typeof down === 'number' ? down : 503;
      // a redirect points at a range that answers 200 and says "not breached": following it would be wrong
      const extra = status >= 300 && status < 400 ? { location: '/range/00000?redirected=1' } : {};
      res.writeHead(status, { 'content-type': 'text/plain', ...extra }).end(`status ${status}`);
      return;
    }
    const match = /^\/range\/([0-9A-Fa-f]{5})(?:\?.*)?$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('The hash prefix was not in a valid format');
      return;
    }
    const lines = [...(byPrefix.get(match[1]!.toUpperCase()) ?? [])];
    if (req.headers['add-padding'] === 'true') {
      const target = 800 + Math.floor(Math.random() * 201);
      while (lines.length < target) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
    }
    const body = lines.map((l) => (lowercase ? l.toLowerCase() : l)).join('\r\n');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    setDown(value) {
      down = value;
    },
    setLowercase(value) {
      lowercase = value;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // also ends requests left hanging
      });
    },
  };
}
