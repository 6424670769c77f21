// The environment an engine process starts with: an allow-list, never a deny-list, so a new
// runner variable or a secret someone exported cannot leak into the agent by accident.
// Everything the runner gives the action itself — ACTIONS_ID_TOKEN_REQUEST_*,
// ACTIONS_RUNTIME_TOKEN, GITHUB_TOKEN, INPUT_*, environment secrets mapped into env — stays out.
export const ENGINE_ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'HOME',
  'LANG',
  'TERM',
  'TMPDIR',
  'CI',
  'GITHUB_WORKSPACE',
  'RUNNER_OS',
  'RUNNER_TEMP',
];

const LOCALE = /^LC_[A-Z_]+$/;

/** Pure: picks the allowed variables of `env`. Engines add their own AGENT_* variables. */
export function engineBaseEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ENGINE_ENV_ALLOW_LIST.includes(name) || LOCALE.test(name)) picked[name] = value;
  }
  return picked;
}
