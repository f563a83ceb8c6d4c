import { pino, type Logger } from 'pino';

/** Structured JSON logs (pino): one line per event, machine-readable in production. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'referral-engine' }, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] });
}

export type { Logger };
