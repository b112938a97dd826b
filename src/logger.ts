// Structured logs (pino); secrets, OTPs and passwords are never logged (checklist 35).
import pino from 'pino';

export const createLogger = (level: string) =>
  pino({ level, redact: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.code', '*.secret'] });
