// Where "Back to <client>" may lead: exactly one of the client's registered redirect or post-logout URIs, over http(s).
// Exact match, not "same origin": any page of the client's origin could be one of its own open redirects, and the POS
// only needs its home page, which it registers as its post-logout URI.

export interface ReturnClient {
  clientName?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

const MAX_LENGTH = 2000;

// The WHATWG parser normalises case, default ports and an empty path, so the comparison is of what a browser would open.
function parsed(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.hash) return undefined;
  return url;
}

/** The normalised URL when `returnTo` is one of the client's registered URIs and the client has a name to show; else undefined. */
export function returnTarget(client: ReturnClient | undefined, returnTo: unknown): { href: string; clientName: string } | undefined {
  if (!client?.clientName || typeof returnTo !== 'string' || returnTo.length > MAX_LENGTH) return undefined;
  const wanted = parsed(returnTo);
  if (!wanted) return undefined;
  const registered = [...(client.postLogoutRedirectUris ?? []), ...(client.redirectUris ?? [])];
  const match = registered.some((uri) => parsed(uri)?.href === wanted.href);
  return match ? { href: wanted.href, clientName: client.clientName } : undefined;
}
