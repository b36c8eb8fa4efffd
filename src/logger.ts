import pino from 'pino';

/** Structured JSON logs; every request's lines carry its request id (child loggers). */
export function createLogger(level: string) {
  return pino({ level, base: { service: 'caregraph' }, timestamp: pino.stdTimeFunctions.isoTime });
}
