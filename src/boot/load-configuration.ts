// Shared by the entry points: resolve `gcp-sm://` references, validate, or exit with every
// problem listed (exit code 78, EX_CONFIG).

import { isSecretReference } from '../contract/secret-reference.ts';
import { createSecretManagerReader } from '../platform/config/google-secret-manager.ts';
import {
  type AppConfig,
  type Env,
  formatConfigProblems,
  readConfig,
} from '../platform/config/read-config.ts';
import { resolveSecretReferences } from '../platform/config/resolve-secrets.ts';

export const EXIT_CONFIG = 78;

export async function loadConfiguration(env: Env): Promise<AppConfig> {
  const needsSecrets = Object.values(env).some(isSecretReference);
  const reader = needsSecrets ? createSecretManagerReader() : undefined;
  const resolved = await resolveSecretReferences(env, reader);
  await reader?.close();
  const result = resolved.ok ? readConfig(resolved.env) : { ok: false as const, problems: resolved.problems };
  if (!result.ok) {
    process.stderr.write(`${formatConfigProblems(result.problems)}\n`);
    process.exit(EXIT_CONFIG);
  }
  return result.config;
}
