// Where and as whom the engine runs. Isolated (when the action is root or may use sudo without a
// password, on Linux): as a user of its own made for this run, in a directory of its own under
// /tmp, with the checkout handed to it for the run and the runner's directories closed to it —
// so the action's process (its environment holds the OIDC request token; its memory the model
// key), the runner's files and the action's state are another user's and out of its reach. Not
// isolated (anywhere else): as the action's user, as before, which the job log and summary say.
import { closeSync, constants, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chownTrees,
  type Handover,
  handOver,
  planHandover,
  takeBack,
  takeBackSync,
} from './checkout-handover.ts';
import {
  createEngineUser,
  type EngineIdentity,
  removeEngineUser,
  removeEngineUserSync,
  sweepStaleEngineUsers,
} from './engine-user.ts';
import {
  applyModes,
  closeChanges,
  entriesOf,
  type ModeChange,
  modeOf,
  pathDirectories,
  restoreModes,
  restoreModesSync,
  runnerDirectories,
  siblingChanges,
  traverseChanges,
} from './path-modes.ts';
import { findPrivilege, type Privilege, runAsRoot, runAsRootSync } from './privilege.ts';
import { findRunnerRoot } from './runner-root.ts';
import { toolStage } from './tool-staging.ts';

export type Isolation =
  | {
      isolated: true;
      user: string;
      uid: number;
      via: 'root' | 'sudo';
      /** Engine users an earlier run on this machine left behind (killed before it cleaned up), removed. */
      swept: readonly string[];
    }
  | { isolated: false; reason: string };

export type EngineSandbox = {
  readonly isolation: Isolation;
  /** The engine's private directory: its input and output files, HOME and TMPDIR. */
  readonly tempDir: string;
  /** The engine's user, when isolated: how its processes are started and stopped. */
  readonly identity: EngineIdentity | null;
  /** The engine's environment with its own HOME and temp directories when isolated. */
  environment(base: Record<string, string>): Record<string, string>;
  /** A path the engine can run: `path` itself, or a copy of it the engine can reach. */
  toolPath(path: string): string;
  /** A file the engine wrote, read without following a link; null when absent or not the engine's. */
  readOutput(path: string): string | null;
  /** Right before the engine starts. */
  enter(workTree: string): Promise<void>;
  /** After the engine: its processes stopped, the checkout taken back, modes restored. */
  leave(): Promise<{ planted: string[] }>;
  dispose(): Promise<void>;
};

const MAX_OUTPUT_FILE = 1024 * 1024;

/** Open sandboxes, for the exit and signal handlers. */
const open = new Set<() => void>();

/** Synchronously stops every engine user's processes and gives everything back (exit, signals). */
export function releaseSandboxes(): void {
  for (const release of [...open]) release();
  open.clear();
}

function readOwnFile(path: string, uid: number | null): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_OUTPUT_FILE || (uid !== null && stats.uid !== uid)) return null;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export function notIsolated(tempDir: string, reason: string): EngineSandbox {
  mkdirSync(tempDir, { recursive: true, mode: 0o700 });
  return {
    isolation: { isolated: false, reason },
    tempDir,
    identity: null,
    environment: (base) => base,
    toolPath: (path) => path,
    readOutput: (path) => readOwnFile(path, null),
    enter: async () => {},
    leave: async () => ({ planted: [] }),
    dispose: async () => {},
  };
}

export async function openSandbox(options: {
  env: Record<string, string | undefined>;
  /** The action's own private directory, for the engine's files when it is not isolated. */
  stateDir: string;
}): Promise<EngineSandbox> {
  const fallback = join(options.stateDir, 'engine');
  const privilege = await findPrivilege();
  if ('unavailable' in privilege) return notIsolated(fallback, privilege.unavailable);
  const swept = await sweepStaleEngineUsers(privilege).catch(() => []);
  const root = mkdtempSync('/tmp/agent-dispatch-engine-');
  const tempDir = join(root, 'engine');
  mkdirSync(tempDir, { mode: 0o700 });
  // Made before the user: while it exists, a sweep by a run beside this one leaves the user alone.
  mkdirSync(join(tempDir, 'home'), { mode: 0o700 });
  let identity: EngineIdentity;
  try {
    identity = await createEngineUser(privilege, join(tempDir, 'home'));
  } catch (error) {
    await runAsRoot(privilege, privilege.tools.rm, ['-rf', '--', root]);
    return notIsolated(fallback, `the engine's user could not be made: ${(error as Error).message}`);
  }
  return isolatedSandbox(privilege, identity, { root, tempDir, env: options.env, swept });
}

function isolatedSandbox(
  privilege: Privilege,
  identity: EngineIdentity,
  where: {
    root: string;
    tempDir: string;
    env: Record<string, string | undefined>;
    swept: readonly string[];
  },
): EngineSandbox {
  const { root, tempDir } = where;
  const tools = toolStage(join(root, 'tools'), modeOf);
  const toolsUsed = new Set<string>();
  let handover: Handover | null = null;
  const modes: ModeChange[] = [];
  const emergency = () => {
    identity.signalAll('KILL');
    if (handover !== null) takeBackSync(privilege, identity, handover);
    restoreModesSync(privilege, modes);
    runAsRootSync(privilege, privilege.tools.rm, ['-rf', '--', root]);
    removeEngineUserSync(privilege, identity);
  };
  open.add(emergency);
  const home = join(tempDir, 'home');
  const tmp = join(tempDir, 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  return {
    isolation: {
      isolated: true,
      user: identity.user,
      uid: identity.uid,
      via: privilege.via,
      swept: where.swept,
    },
    tempDir,
    identity,
    environment: (base) => ({ ...base, HOME: home, TMPDIR: tmp, RUNNER_TEMP: tmp }),
    toolPath(path) {
      const placed = tools.place(path);
      toolsUsed.add(placed);
      return placed;
    },
    readOutput: (path) => readOwnFile(path, identity.uid),
    async enter(workTree) {
      await chownTrees(privilege, identity, [tempDir]);
      handover = planHandover(workTree);
      await handOver(privilege, identity, handover);
      const needed = [workTree, tempDir, ...toolsUsed];
      await applyModes(privilege, traverseChanges(needed, modeOf), modes);
      const dirs = runnerDirectories(where.env, findRunnerRoot());
      await applyModes(privilege, closeChanges(dirs, needed, modeOf), modes);
      const open = pathDirectories(where.env.PATH);
      await applyModes(privilege, siblingChanges(dirs, needed, open, entriesOf), modes);
    },
    async leave() {
      await stopEveryProcess(identity);
      const planted = handover === null ? [] : await takeBack(privilege, identity, handover);
      handover = null;
      await restoreModes(privilege, modes);
      modes.length = 0;
      return { planted };
    },
    async dispose() {
      open.delete(emergency);
      await stopEveryProcess(identity);
      // Left by a leave() that failed half-way: the checkout and the modes are given back anyway.
      if (handover !== null) await takeBack(privilege, identity, handover).catch(() => []);
      await restoreModes(privilege, modes);
      await runAsRoot(privilege, privilege.tools.rm, ['-rf', '--', root]);
      await removeEngineUser(privilege, identity);
    },
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** TERM to every process of the engine user, KILL to what is left two seconds later. */
export async function stopEveryProcess(identity: EngineIdentity, graceMs = 2_000): Promise<number> {
  const running = identity.members().length;
  if (running === 0) return 0;
  identity.signalAll('TERM');
  for (const [signal, ms] of [
    ['KILL', graceMs],
    [null, 5_000],
  ] as const) {
    const until = Date.now() + ms;
    while (identity.members().length > 0 && Date.now() < until) await delay(50);
    if (identity.members().length === 0) break;
    if (signal !== null) identity.signalAll(signal);
  }
  return running;
}
