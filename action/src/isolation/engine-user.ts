// The engine's own OS user, one per run: created with useradd (a system account of its own
// group, no home made, no password, no supplementary groups, so no sudo and no docker group),
// and removed once the run is over. Its processes are started through setpriv — that uid and gid,
// no groups, no capabilities, no_new_privs (so no setuid program, sudo included, can raise it
// back) — and stopped by uid, which reaches a process that left the engine's process group too.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CommandResult, mustSucceed, type Privilege, runAsRoot, runAsRootSync } from './privilege.ts';
import { userMembers } from './user-processes.ts';

export type EngineIdentity = {
  user: string;
  uid: number;
  gid: number;
  /** The program and arguments that run `file args` as the engine user with exactly `env`. */
  wrap(file: string, args: readonly string[], env: Record<string, string>): { file: string; args: string[] };
  /** The environment the wrapping program itself starts with (not the engine's). */
  launcherEnvironment: Record<string, string>;
  /** Live processes of the engine user. */
  members(): number[];
  /** Sends `signal` to every process of the engine user (waits for nothing). */
  signalAll(signal: 'TERM' | 'KILL'): void;
};

/** Pure: setpriv's part of the command line, dropping every privilege. */
export function dropPrivileges(tools: Privilege['tools'], uid: number, gid: number): string[] {
  return [
    tools.setpriv,
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--ambient-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];
}

/** Pure: the whole command line that starts `file args` as the engine user with exactly `env`. */
export function engineCommandLine(
  privilege: Privilege,
  uid: number,
  gid: number,
  file: string,
  args: readonly string[],
  env: Record<string, string>,
): string[] {
  if (file.includes('=')) throw new Error(`cannot start ${file} as the engine user: its path holds "="`);
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const line = [
    ...dropPrivileges(privilege.tools, uid, gid),
    privilege.tools.env,
    '-i',
    ...assignments,
    file,
    ...args,
  ];
  return privilege.sudo === null ? line : [privilege.sudo, '-n', '--', ...line];
}

/** `name:x:uid:gid:…` of /etc/passwd, where useradd writes. */
export function passwdEntry(passwd: string, name: string): { uid: number; gid: number } | null {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

export async function createEngineUser(privilege: Privilege, home: string): Promise<EngineIdentity> {
  const user = `agent-dispatch-${randomBytes(4).toString('hex')}`;
  mustSucceed(
    'useradd',
    await runAsRoot(privilege, privilege.tools.useradd, [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      home,
      '--shell',
      '/bin/sh',
      '--comment',
      'Agent Dispatch engine',
      user,
    ]),
  );
  const entry = passwdEntry(readFileSync('/etc/passwd', 'utf8'), user);
  if (entry === null || entry.uid === 0 || entry.gid === 0) {
    throw new Error(`useradd made ${user}, but /etc/passwd does not give it an unprivileged uid`);
  }
  return identityOf(privilege, user, entry.uid, entry.gid);
}

function identityOf(privilege: Privilege, user: string, uid: number, gid: number): EngineIdentity {
  return {
    user,
    uid,
    gid,
    wrap(target, args, env) {
      const [program, ...rest] = engineCommandLine(privilege, uid, gid, target, args, env);
      return { file: program as string, args: rest };
    },
    launcherEnvironment: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    members: () => userMembers(uid),
    signalAll(signal) {
      // kill(-1) as the engine user reaches every process of that user and nothing else.
      const line = [...dropPrivileges(privilege.tools, uid, gid), privilege.tools.kill, `-${signal}`, '-1'];
      runAsRootSync(privilege, line[0] as string, line.slice(1));
    },
  };
}

/** Once its processes are gone: the user and its group. */
export async function removeEngineUser(
  privilege: Privilege,
  identity: EngineIdentity,
): Promise<CommandResult> {
  return runAsRoot(privilege, privilege.tools.userdel, [identity.user]);
}

export function removeEngineUserSync(privilege: Privilege, identity: EngineIdentity): void {
  runAsRootSync(privilege, privilege.tools.userdel, [identity.user]);
}
