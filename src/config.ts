// Environment -> validated, typed configuration with documented defaults (the table in docs/operators.md mirrors this file).
import { z } from 'zod';
import { parseTrustProxy, type TrustedProxies } from './http/client-address.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // the address the provider and the demo listen on; unset: loopback outside production, every interface in it
  HOST: z.string().min(1).optional(),
  ISSUER: z.url().optional(),
  MONGODB_URI: z.string().optional(),
  DATA_DIR: z.string().default('data'),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).default(27117),
  // 0: a free loopback port at every start
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DEMO: bool.optional(),
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DEMO_URL: z.url().optional(),
  SEED_DEMO: bool.optional(),
  PRODUCT_NAME: z.string().min(1).default('POS Sign-in'),
  SIGNING_JWKS: z.string().optional(),
  COOKIE_KEYS: z.string().optional(),
  TOTP_KEYS: z.string().optional(),
  RECOVERY_PEPPER: z.string().optional(),
  REMEMBER_DEVICE_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  HIBP_BASE_URL: z.url().default('https://api.pwnedpasswords.com'),
  HIBP_TIMEOUT_MS: z.coerce.number().int().min(100).max(10000).default(1500),
  BREACH_FAIL_MODE: z.enum(['open', 'closed']).default('open'),
  // unset outside production: emails are kept in memory and shown at /dev/mail (src/mail/dev-catcher.ts)
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('POS Sign-in <no-reply@example-pos.com>'),
  SUPPORT_EMAIL: z.email().default('support@example-pos.com'),
  CLIENTS_FILE: z.string().default('config/clients.json'),
  RESOURCE_SERVERS_FILE: z.string().default('config/resource-servers.json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().optional(),
  ACCESS_PASS_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
}).superRefine((e, ctx) => {
  // the hash prefixes of passwords being checked go to the range API: only over TLS, unless they never leave the host
  // (a mirror on the loopback interface) (checklist 19)
  if (e.NODE_ENV === 'production' && !e.HIBP_BASE_URL.startsWith('https://') && !LOOPBACK.test(new URL(e.HIBP_BASE_URL).hostname)) {
    ctx.addIssue({ code: 'custom', path: ['HIBP_BASE_URL'], message: 'must be an https:// URL when NODE_ENV=production (a self-hosted mirror too, unless it is on this host)' });
  }
  if (e.NODE_ENV === 'production' && !e.SMTP_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['SMTP_URL'],
      message: 'required when NODE_ENV=production (e.g. smtp://user:password@mail.example.com:587); only development keeps emails in memory at /dev/mail',
    });
  }
});

export type Env = z.infer<typeof schema>;

export interface Config {
  production: boolean;
  port: number;
  /** where the provider and the demo POS listen; undefined: every interface (a development instance shows
   * password-reset links at /dev/mail, so it listens on loopback unless HOST says otherwise) */
  host: string | undefined;
  issuer: string;
  mongodbUri: string | undefined;
  dataDir: string;
  embeddedDbPort: number;
  /** the embedded PostgreSQL's loopback port; 0: a free one */
  embeddedPgPort: number;
  demo: { enabled: boolean; port: number; url: string };
  seedDemo: boolean;
  productName: string;
  secrets: {
    signingJwks: string | undefined;
    cookieKeys: string | undefined;
    totpKeys: string | undefined;
    recoveryPepper: string | undefined;
  };
  rememberDeviceDays: number;
  breach: { baseUrl: string; timeoutMs: number; failMode: 'open' | 'closed' };
  /** smtpUrl unset (never in production): the in-process development mail catcher */
  mail: { smtpUrl: string | undefined; from: string; supportEmail: string };
  clientsFile: string;
  resourceServersFile: string;
  logLevel: Env['LOG_LEVEL'];
  /** proxies allowed to say who the client is (src/http/client-address.ts) */
  trustProxy: TrustedProxies;
  /** how long a temporary access pass lasts (B17) */
  accessPassHours: number;
  /** Prometheus endpoint on its own port; off when unset; with a token, only for `Authorization: Bearer <token>`. */
  metrics: { port: number | undefined; host: string; token: string | undefined };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST ?? (e.NODE_ENV === 'production' ? undefined : '127.0.0.1'),
    issuer,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    embeddedDbPort: e.EMBEDDED_DB_PORT,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    // the demo relying party and demo users are for development; production turns them on only explicitly
    demo: { enabled: e.DEMO ?? e.NODE_ENV !== 'production', port: e.DEMO_PORT, url: (e.DEMO_URL ?? `http://localhost:${e.DEMO_PORT}`).replace(/\/$/, '') },
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    productName: e.PRODUCT_NAME,
    secrets: {
      signingJwks: e.SIGNING_JWKS,
      cookieKeys: e.COOKIE_KEYS,
      totpKeys: e.TOTP_KEYS,
      recoveryPepper: e.RECOVERY_PEPPER,
    },
    rememberDeviceDays: e.REMEMBER_DEVICE_DAYS,
    breach: { baseUrl: e.HIBP_BASE_URL.replace(/\/$/, ''), timeoutMs: e.HIBP_TIMEOUT_MS, failMode: e.BREACH_FAIL_MODE },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, supportEmail: e.SUPPORT_EMAIL },
    clientsFile: e.CLIENTS_FILE,
    resourceServersFile: e.RESOURCE_SERVERS_FILE,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    accessPassHours: e.ACCESS_PASS_HOURS,
  };
}
