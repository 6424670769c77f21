// Installs an engine's CLI at its pinned version from the npm registry into the runner's tool
// cache (tool-cache.ts), unless the runner's PATH or an earlier run already has it.
//
// npm runs with --ignore-scripts: nothing from the package runs at install time. The CLIs ship
// their native programs in per-platform packages (optional dependencies) that npm picks for
// this machine; engines run those files directly, which needs no install script.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import { onPath } from './cli-on-path.ts';
import { npmEnvironment, runNpm } from './run-npm.ts';
import { installDirectory, isCached, type ToolPlace, toolCacheRoot } from './tool-cache.ts';

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

type InstallLog = { info(message: string): void };

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

/** The CLI from the runner's PATH, from the tool cache, or installed into it now. */
export async function installCli(
  cli: CliPackage,
  env: Record<string, string | undefined>,
  log: InstallLog,
): Promise<InstalledCli> {
  checkVersion(cli.name, cli.version);
  const found = await onPath(cli, env);
  if (found !== null) {
    log.info(`${cli.name}@${cli.version} from the runner's PATH (${found}).`);
    return { dir: null, command: found, version: cli.version, installedNow: false };
  }
  const place = installDirectory(toolCacheRoot(env), cli);
  if (isCached(cli, place)) {
    log.info(`${cli.name}@${cli.version} from the tool cache (${place.dir}).`);
    return { dir: place.dir, command: null, version: cli.version, installedNow: false };
  }
  await installIntoToolCache(cli, place, env, log);
  return { dir: place.dir, command: null, version: cli.version, installedNow: true };
}

/** npm installs into a staging directory beside the place, which is then moved into it. */
async function installIntoToolCache(
  cli: CliPackage,
  place: ToolPlace,
  env: Record<string, string | undefined>,
  log: InstallLog,
): Promise<void> {
  const parent = join(place.dir, '..');
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${process.arch}-staging-`));
  const started = Date.now();
  log.info(`Installing ${cli.name}@${cli.version} from the npm registry into the tool cache…`);
  try {
    await runNpm(npmInstallArgs(cli, staging), npmEnvironment(env));
    if (!existsSync(cli.entry(staging))) {
      throw new ActionError(
        'engine-failed',
        `npm installed ${cli.name}@${cli.version} but not ${cli.entry(staging).slice(staging.length + 1)}: this platform (${process.platform}-${process.arch}) may not be supported by it.`,
      );
    }
    moveIntoPlace(cli, staging, place.dir);
    writeFileSync(place.marker, '');
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log.info(`Installed ${cli.name}@${cli.version} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

function npmInstallArgs(cli: CliPackage, prefix: string): string[] {
  return [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    ...(cli.omitOptional ? ['--omit=optional'] : []),
    `${cli.name}@${cli.version}`,
  ];
}

function moveIntoPlace(cli: CliPackage, staging: string, dir: string): void {
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
}
