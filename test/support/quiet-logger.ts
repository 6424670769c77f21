import { createLogger, type Logger } from '../../src/platform/logging/create-logger.ts';

/** A real logger that stays quiet unless TEST_LOG_LEVEL asks for output. */
export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
}
