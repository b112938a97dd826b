// A per-sign-in cookie jar for one host: stores Set-Cookie values, honours deletion (Max-Age<=0 / past Expires).
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes every Set-Cookie header of a response. */
  store(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (isDeletion(attrs)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Value for a Cookie request header, or undefined when empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }
}

function isDeletion(attrs: string[]): boolean {
  for (const attr of attrs) {
    const [k = '', v = ''] = attr.split('=', 2).map((s) => s.trim());
    const key = k.toLowerCase();
    if (key === 'max-age' && Number(v) <= 0) return true;
    if (key === 'expires' && Date.parse(v) < Date.now()) return true;
  }
  return false;
}
