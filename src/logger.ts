// Structured logs (pino): JSON, or pino-pretty on a development terminal; secrets, OTPs and passwords are never logged (checklist 35).
import pino from 'pino';

const redact = ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.code', '*.secret'];

// a devDependency: a production install (the image, run as a demo in development mode) has none, and logs JSON
const prettyInstalled = (): boolean => {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
};

export const createLogger = (level: string, opts: { pretty?: boolean } = {}) =>
  pino({ level, redact, ...(opts.pretty && prettyInstalled() ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}) });
