// What the load driver needs from a server under test (ours or Keycloak): full sign-ins, refreshes, its processes.
export interface BenchUser {
  username: string;
  password: string;
  /** base32 TOTP secret (SHA-1, 6 digits, 30 s) */
  totpSecret: string;
}

export interface Target {
  name: string;
  users: BenchUser[];
  /**
   * One complete browser-style sign-in with PKCE: authorize -> (store) -> password -> TOTP -> code -> token.
   * Resolves with the refresh token; rejects when any step does not go as expected.
   */
  signIn(user: BenchUser): Promise<{ refreshToken: string }>;
  /** One refresh grant; resolves with the rotated refresh token. */
  refresh(refreshToken: string): Promise<string>;
  /** PIDs of every server process (for CPU and RSS from /proc), e.g. the JVM, or node + database processes. */
  pids(): number[];
  /** The same processes by role (e.g. { node: [...], database: [...] }), measured apart; default { server: pids() }. */
  pidGroups?(): Record<string, number[]>;
  /** Database commands the server has sent so far (a counter), or undefined when the server does not tell. */
  dbCommands?(): Promise<number | undefined>;
  /** How often and how long the driver waited for a fresh TOTP step so far (codes are single-use per user). */
  totpWaits?(): { count: number; ms: number };
  stop(): Promise<void>;
}
