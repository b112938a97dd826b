// Structured logs (pino): JSON, or pino-pretty on a development terminal; secrets, OTPs and passwords are never logged (checklist 35).
import pino from 'pino';

const redact = ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.code', '*.secret'];

export const createLogger = (level: string, opts: { pretty?: boolean } = {}) =>
  pino({ level, redact, ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}) });
