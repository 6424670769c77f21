// Installs an engine's CLI at its pinned version from the npm registry into the runner's tool
// cache (RUNNER_TOOL_CACHE), laid out as @actions/tool-cache does — <tool>/<version>/<arch> with
// an <arch>.complete marker — so a self-hosted runner or a cached image reuses it across runs.
//
// npm runs with --ignore-scripts: nothing from the package runs at install time. The CLIs ship
// their native programs in per-platform packages (optional dependencies) that npm picks for
// this machine; engines run those files directly, which needs no install script.
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { ActionError } from '../action-error.ts';
import { runProcessTree } from './run-process-tree.ts';

export type CliPackage = {
  /** npm package name. */
  name: string;
  version: string;
  /** Tool cache directory name. */
  tool: string;
  /** The file to check after installing, relative to the install directory. */
  entry(dir: string): string;
  /** The command a runner image may already have on PATH, used when its --version matches. */
  command: string;
  /** Leave out optional dependencies (native modules only interactive use needs). */
  omitOptional?: boolean;
};

export type InstalledCli = {
  /** The install directory, or null when the CLI found on PATH is used. */
  dir: string | null;
  /** The command found on PATH, when that is what runs. */
  command: string | null;
  version: string;
  installedNow: boolean;
};

const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?$/;

export function checkVersion(name: string, version: string): string {
  if (!VERSION.test(version)) {
    throw new ActionError(
      'engine-failed',
      `"${version}" is not an exact version of ${name}: engines are installed at a pinned version such as 1.2.3.`,
    );
  }
  return version;
}

export function toolCacheRoot(env: Record<string, string | undefined>): string {
  return env.RUNNER_TOOL_CACHE || join(env.HOME || homedir(), '.cache', 'agent-dispatch', 'tools');
}

export function installDirectory(root: string, cli: CliPackage): { dir: string; marker: string } {
  const versionDir = join(root, cli.tool, cli.version);
  return { dir: join(versionDir, process.arch), marker: join(versionDir, `${process.arch}.complete`) };
}

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

/** An install that takes longer has hung (an unreachable registry is retried for minutes). */
const NPM_TIMEOUT_MS = 10 * 60_000;

async function runNpm(args: string[], env: Record<string, string>): Promise<void> {
  let stderr = '';
  const keep = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  };
  // In a process group of its own, like the engine: stopped at the time limit and when the
  // run is cancelled, nothing left behind.
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

/** The CLI's command on PATH when it reports exactly the pinned version, else null. */
export async function onPath(
  cli: CliPackage,
  env: Record<string, string | undefined>,
): Promise<string | null> {
  const command = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => isAbsolute(dir))
    .map((dir) => join(dir, cli.command))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (command === undefined) return null;
  const output = await new Promise<string>((resolve) => {
    execFile(
      command,
      ['--version'],
      { env: npmEnvironment(env), timeout: 15_000, maxBuffer: 64 * 1024 },
      (error, stdout) => resolve(error ? '' : stdout),
    );
  });
  const reported = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1];
  return reported === cli.version ? command : null;
}

/** The CLI in the tool cache, installed now unless an earlier run left it there. */
export async function installCli(
  cli: CliPackage,
  env: Record<string, string | undefined>,
  log: { info(message: string): void },
): Promise<InstalledCli> {
  checkVersion(cli.name, cli.version);
  const found = await onPath(cli, env);
  if (found !== null) {
    log.info(`${cli.name}@${cli.version} from the runner's PATH (${found}).`);
    return { dir: null, command: found, version: cli.version, installedNow: false };
  }
  const root = toolCacheRoot(env);
  const { dir, marker } = installDirectory(root, cli);
  if (existsSync(marker) && existsSync(cli.entry(dir))) {
    log.info(`${cli.name}@${cli.version} from the tool cache (${dir}).`);
    return { dir, command: null, version: cli.version, installedNow: false };
  }
  const parent = join(dir, '..');
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${process.arch}-staging-`));
  const started = Date.now();
  log.info(`Installing ${cli.name}@${cli.version} from the npm registry into the tool cache…`);
  try {
    await runNpm(
      [
        'install',
        '--prefix',
        staging,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        ...(cli.omitOptional ? ['--omit=optional'] : []),
        `${cli.name}@${cli.version}`,
      ],
      npmEnvironment(env),
    );
    if (!existsSync(cli.entry(staging))) {
      throw new ActionError(
        'engine-failed',
        `npm installed ${cli.name}@${cli.version} but not ${cli.entry(staging).slice(staging.length + 1)}: this platform (${process.platform}-${process.arch}) may not be supported by it.`,
      );
    }
    try {
      renameSync(staging, dir);
    } catch {
      // Another job on this runner finished first (its copy is the same), or an interrupted
      // install left a broken directory behind.
      if (!existsSync(cli.entry(dir))) {
        rmSync(dir, { recursive: true, force: true });
        renameSync(staging, dir);
      }
    }
    writeFileSync(marker, '');
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log.info(`Installed ${cli.name}@${cli.version} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { dir, command: null, version: cli.version, installedNow: true };
}
