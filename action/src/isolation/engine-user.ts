// The engine's own OS user, one per run: created with useradd (a system account of its own
// group, no home made, no password, no supplementary groups, so no sudo and no docker group),
// and removed once the run is over. Its processes are started through setpriv — that uid and gid,
// no groups, no capabilities, no_new_privs (so no setuid program, sudo included, can raise it
// back) — and stopped by uid, which reaches a process that left the engine's process group too.
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
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

/** One line of /etc/passwd (`name:x:uid:gid:comment:home:shell`), where useradd writes. */
type PasswdRecord = { user: string; uid: number; gid: number; comment: string; home: string };

/** Pure: the well-formed lines of /etc/passwd (numeric uid and gid). */
function passwdRecords(passwd: string): PasswdRecord[] {
  const records: PasswdRecord[] = [];
  for (const line of passwd.split('\n')) {
    const [user = '', , uid = '', gid = '', comment = '', home = ''] = line.split(':');
    if (user && /^\d+$/.test(uid) && /^\d+$/.test(gid))
      records.push({ user, uid: Number(uid), gid: Number(gid), comment, home });
  }
  return records;
}

export function passwdEntry(passwd: string, name: string): { uid: number; gid: number } | null {
  const record = passwdRecords(passwd).find((r) => r.user === name);
  return record ? { uid: record.uid, gid: record.gid } : null;
}

const ENGINE_COMMENT = 'Agent Dispatch engine';
const ENGINE_USER = /^agent-dispatch-[0-9a-f]{8}$/;

export type PasswdUser = { user: string; uid: number; home: string };

/** Pure: the users of /etc/passwd that an engine run made (its name pattern and its comment). */
export function engineUsersIn(passwd: string): PasswdUser[] {
  return passwdRecords(passwd)
    .filter((r) => ENGINE_USER.test(r.user) && r.comment === ENGINE_COMMENT && r.uid !== 0)
    .map(({ user, uid, home }) => ({ user, uid, home }));
}

/** Only a missing path counts as gone: one the action may not look into (EACCES) may be live. */
function pathIsGone(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Removes the engine users a run left behind when it was killed before it could clean up (SIGKILL,
 * a lost runner): made by an engine run, with no live process and a home that no longer exists.
 * A live run's home exists from before its user is made until after the user is removed, so a
 * run beside this one on the same machine keeps its user. Returns the users removed.
 */
export async function sweepStaleEngineUsers(privilege: Privilege): Promise<string[]> {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const stale of engineUsersIn(passwd)) {
    if (!pathIsGone(stale.home) || userMembers(stale.uid).length > 0) continue;
    const result = await runAsRoot(privilege, privilege.tools.userdel, [stale.user]);
    if (result.code === 0) removed.push(stale.user);
  }
  return removed;
}

/** `home` must exist already: its existence is what tells a sweep this user is in use. */
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
      ENGINE_COMMENT,
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
