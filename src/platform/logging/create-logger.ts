// Structured logs (pino, as Probot uses): fixed messages, details in fields, secrets redacted.
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

const REDACT = [
  'token',
  '*.token',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'databaseUrl',
];

export function createLogger(options: { level: string; format: 'json' | 'pretty'; name?: string }): Logger {
  const base = { level: options.level, name: options.name ?? 'agent-dispatch', redact: REDACT };
  if (options.format === 'pretty') {
    return pino(
      base,
      pretty({ sync: true, colorize: process.stdout.isTTY ?? false, ignore: 'pid,hostname' }),
    );
  }
  return pino(base);
}
