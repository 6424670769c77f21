import { generateKeyPairSync } from 'node:crypto';
import { type AppConfig, formatConfigProblems, readConfig } from '../../src/platform/config/read-config.ts';

export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

let key: string | undefined;
function testKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

/** A valid App configuration for tests, through the real readConfig. */
export function testAppConfig(env: Record<string, string> = {}): AppConfig {
  const result = readConfig({
    APP_ID: '1',
    PRIVATE_KEY: testKey(),
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  if (!result.ok) throw new Error(formatConfigProblems(result.problems));
  return result.config;
}
