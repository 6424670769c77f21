// Runs the runner's npm for an install: with an environment of its own (enough to reach the
// registry the runner is set up for, no secrets), in a process group of its own like the engine
// (stopped at the time limit and when the run is cancelled), its failure in words.
import { ActionError } from '../action-error.ts';
import { runProcessTree } from './run-process-tree.ts';

/** An install that takes longer has hung (an unreachable registry is retried for minutes). */
const NPM_TIMEOUT_MS = 10 * 60_000;

/** What npm is given: enough to reach the registry the runner is set up for, no secrets. */
export function npmEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (
      ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'].includes(name) ||
      /^(?:npm_config_|NPM_CONFIG_)/.test(name) ||
      /^(?:HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/.test(name)
    ) {
      picked[name] = value;
    }
  }
  return picked;
}

export async function runNpm(args: string[], env: Record<string, string>): Promise<void> {
  let stderr = '';
  const keep = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  };
  const result = await runProcessTree({
    file: 'npm',
    args,
    cwd: env.HOME || '/',
    env,
    timeoutMs: NPM_TIMEOUT_MS,
    graceMs: 5_000,
    output: { stdout: () => {}, stderr: keep },
  });
  if (result.spawnError !== null) {
    throw new ActionError(
      'engine-failed',
      `npm could not be started (${result.spawnError}): the runner needs Node.js and npm on PATH to install the engine.`,
    );
  }
  if (result.timedOut) {
    throw new ActionError(
      'engine-failed',
      `npm install did not finish within ${NPM_TIMEOUT_MS / 60_000} minutes (is the npm registry reachable from the runner?): ${stderr.trim().slice(-1000)}`,
    );
  }
  if (result.exitCode !== 0) {
    throw new ActionError(
      'engine-failed',
      `npm install failed with exit code ${result.exitCode}: ${stderr.trim().slice(-1000)}`,
    );
  }
}
