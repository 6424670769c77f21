// Runs an engine as the leader of its own process group, streams its output, and stops the
// whole group — children and grandchildren included — at the wall-time limit and again once the
// leader has exited (process-group.ts), so nothing the engine started keeps running or keeps
// changing the checkout while the result is collected. An engine with a user of its own
// (isolation/) is started as that user and stopped by uid: every process of that user, those
// that left the group included. See docs/action.md.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { stopEveryProcess } from '../isolation/engine-sandbox.ts';
import type { EngineIdentity } from '../isolation/engine-user.ts';
import { blankedDescriptors, inheritedDescriptors } from './inherited-fds.ts';
import { forgetGroup, stopGroup, watchGroup } from './process-group.ts';

export type OutputSink = { stdout(chunk: Buffer): void; stderr(chunk: Buffer): void };

export type ProcessTreeOptions = {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  graceMs: number;
  output: OutputSink;
  /** A file the process reads as its standard input (the prompt); /dev/null otherwise. */
  stdinFile?: string;
  /** Run as the engine's own user (isolation), stopped by uid; the action's user otherwise. */
  identity?: EngineIdentity | null;
};

export type ProcessTreeResult = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  spawnError: string | null;
  /** Processes of the group still running after the leader exited, which were stopped. */
  leftovers: number;
};

type Leader = ChildProcessByStdio<null, Readable, Readable>;

type LeaderEnd = { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean } | { error: Error };

/** setTimeout fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function runProcessTree(options: ProcessTreeOptions): Promise<ProcessTreeResult> {
  const child = spawnLeader(options);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout.on('data', (chunk: Buffer) => options.output.stdout(chunk));
  child.stderr.on('data', (chunk: Buffer) => options.output.stderr(chunk));
  const ended = await leaderEnd(child, options);
  if ('error' in ended) {
    return { exitCode: null, signal: null, timedOut: false, spawnError: ended.error.message, leftovers: 0 };
  }
  const pgid = child.pid as number;
  const leftovers = await stopAll(pgid, options);
  forgetGroup(pgid);
  // A process that left the group may still hold the pipes open: do not wait for it forever.
  await atMost(closed, 2_000);
  child.stdout.destroy();
  child.stderr.destroy();
  return {
    exitCode: ended.code,
    signal: ended.signal,
    timedOut: ended.timedOut,
    spawnError: null,
    leftovers,
  };
}

/** The group, or with a user of its own every process of that user. */
function stopAll(pgid: number, options: ProcessTreeOptions): Promise<number> {
  return options.identity
    ? stopEveryProcess(options.identity, options.graceMs)
    : stopGroup(pgid, options.graceMs);
}

function spawnLeader(options: ProcessTreeOptions): Leader {
  const stdin = options.stdinFile === undefined ? 'ignore' : openSync(options.stdinFile, 'r');
  const inherited = inheritedDescriptors();
  const devNull = inherited.length > 0 ? openSync('/dev/null', 'r+') : null;
  const { identity } = options;
  const command = identity
    ? { ...identity.wrap(options.file, options.args, options.env), env: identity.launcherEnvironment }
    : { file: options.file, args: [...options.args], env: options.env };
  try {
    return spawn(command.file, command.args, {
      cwd: options.cwd,
      env: command.env,
      detached: true, // its own process group, so the whole tree can be signalled at once
      // Descriptors the action inherited without close-on-exec reach the engine as /dev/null.
      stdio: [stdin, 'pipe', 'pipe', ...(devNull === null ? [] : blankedDescriptors(inherited, devNull))],
    }) as unknown as Leader;
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    if (devNull !== null) closeSync(devNull);
  }
}

/** The leader's exit; at the wall-time limit the group is stopped first (and waited for). */
async function leaderEnd(child: Leader, options: ProcessTreeOptions): Promise<LeaderEnd> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let stopping: Promise<number> | undefined;
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ error }));
      if (child.pid === undefined) return;
      const pgid = child.pid;
      watchGroup(pgid);
      child.once('exit', (code, signal) => resolve({ code, signal }));
      timer = setTimeout(
        () => {
          timedOut = true;
          stopping = stopAll(pgid, options);
        },
        Math.min(options.timeoutMs, MAX_TIMER_MS),
      );
    },
  );
  clearTimeout(timer);
  if ('error' in ended) return ended;
  if (stopping) await stopping;
  return { ...ended, timedOut };
}

/** Waits for `promise`, but at most `ms`, leaving no timer behind. */
async function atMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
