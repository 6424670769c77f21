// How the action gets root for the few steps engine isolation needs (creating the engine's user,
// handing the checkout over and back, starting and stopping the engine's processes): it is root
// already (a container job, the simulator's runner), or the runner lets it use `sudo` without a
// password (GitHub-hosted runners). Every command is a system program named by its absolute path,
// run with an environment of its own — never the action's, which holds the OIDC request token.
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** Where system programs are looked for: never the job's PATH. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const COMMAND_ENV = { PATH: SYSTEM_PATH, LANG: 'C', LC_ALL: 'C' };

/** The programs isolation runs, by absolute path. */
export type SystemTools = Record<(typeof TOOLS)[number], string>;

const TOOLS = ['setpriv', 'useradd', 'userdel', 'chown', 'chmod', 'rm', 'kill', 'env'] as const;

export type Privilege = {
  via: 'root' | 'sudo';
  /** The sudo program, when that is how. */
  sudo: string | null;
  tools: SystemTools;
};

export type CommandResult = { code: number | null; stdout: string; stderr: string };

/** The program on SYSTEM_PATH, or null. */
export function systemProgram(name: string): string | null {
  for (const dir of SYSTEM_PATH.split(':')) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Runs a program as the action's user, with the system environment. */
export function runCommand(
  file: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: COMMAND_ENV, timeout: timeoutMs, maxBuffer: 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr: stderr || (error && code === null ? error.message : '') });
      },
    );
  });
}

/** Pure: the command line that runs `file args` as root. */
export function asRoot(privilege: Privilege, file: string, args: readonly string[]): [string, string[]] {
  return privilege.sudo === null ? [file, [...args]] : [privilege.sudo, ['-n', '--', file, ...args]];
}

export function runAsRoot(
  privilege: Privilege,
  file: string,
  args: readonly string[],
): Promise<CommandResult> {
  const [program, argv] = asRoot(privilege, file, args);
  return runCommand(program, argv);
}

/** For the exit and signal handlers, which cannot wait. */
export function runAsRootSync(privilege: Privilege, file: string, args: readonly string[]): CommandResult {
  const [program, argv] = asRoot(privilege, file, args);
  const ran = spawnSync(program, argv, { env: COMMAND_ENV, timeout: 30_000, encoding: 'utf8' });
  return { code: ran.status, stdout: ran.stdout ?? '', stderr: ran.stderr ?? '' };
}

/** Throws with the command's own words when it failed. */
export function mustSucceed(what: string, result: CommandResult): CommandResult {
  if (result.code === 0) return result;
  throw new Error(
    `${what} failed${result.code === null ? '' : ` (exit ${result.code})`}: ${result.stderr.trim().slice(0, 500) || 'no message'}`,
  );
}

/** Root or passwordless sudo with the tools isolation needs; otherwise why not, in words. */
export async function findPrivilege(
  platform: NodeJS.Platform = process.platform,
  uid: number | undefined = process.getuid?.(),
): Promise<Privilege | { unavailable: string }> {
  if (platform !== 'linux') {
    return { unavailable: `engine isolation needs a Linux runner (this one runs ${platform})` };
  }
  const tools: Partial<SystemTools> = {};
  const missing: string[] = [];
  for (const name of TOOLS) {
    const found = systemProgram(name);
    if (found === null) missing.push(name);
    else tools[name] = found;
  }
  if (missing.length > 0) {
    return {
      unavailable: `the runner lacks ${missing.join(', ')} (util-linux's setpriv, shadow's useradd and userdel, coreutils)`,
    };
  }
  const complete = tools as SystemTools;
  if (!(await supportsChownFrom(complete.chown))) {
    return { unavailable: "the runner's chown is not GNU coreutils (it lacks --from)" };
  }
  if (uid === 0) return { via: 'root', sudo: null, tools: complete };
  const sudo = systemProgram('sudo');
  const user = `the job's user (uid ${uid ?? '?'})`;
  if (sudo === null) return { unavailable: `${user} is not root and the runner has no sudo` };
  const probe = await runCommand(sudo, ['-n', 'true'], 15_000);
  if (probe.code !== 0) {
    return { unavailable: `${user} is not root and may not use sudo without a password` };
  }
  return { via: 'sudo', sudo, tools: complete };
}

async function supportsChownFrom(chown: string): Promise<boolean> {
  const help = await runCommand(chown, ['--help'], 15_000);
  return help.stdout.includes('--from');
}
