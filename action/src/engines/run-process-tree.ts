// Runs an engine as the leader of its own process group, streams its output, and stops the
// whole group — children and grandchildren included — at the wall-time limit (SIGTERM, then
// SIGKILL after a grace period) and again once the leader has exited, so nothing the engine
// started keeps running or keeps changing the checkout while the result is collected.
// A process that deliberately leaves the group (setsid) is out of reach; see docs/action.md.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

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

const liveGroups = new Set<number>();

/** setTimeout fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** For the action's own SIGINT/SIGTERM/exit handlers: nothing the engine started outlives it. */
export function killAllProcessTrees(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Live (not zombie) members of a process group, from /proc; elsewhere whether any exists. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && fields[0] !== 'X' && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, but at most `ms`, leaving no timer behind. */
async function atMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function waitUntilEmpty(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= until) return false;
    await delay(50);
  }
}

/** SIGTERM to the group, SIGKILL to whatever is left after `graceMs`. Returns how many were running. */
export async function stopGroup(pgid: number, graceMs: number): Promise<number> {
  const running = groupMembers(pgid).length;
  if (running === 0) return 0;
  signalGroup(pgid, 'SIGTERM');
  if (!(await waitUntilEmpty(pgid, graceMs))) {
    signalGroup(pgid, 'SIGKILL');
    await waitUntilEmpty(pgid, 5_000);
  }
  return running;
}

export async function runProcessTree(options: ProcessTreeOptions): Promise<ProcessTreeResult> {
  const stdin = options.stdinFile === undefined ? 'ignore' : openSync(options.stdinFile, 'r');
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(options.file, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true, // its own process group, so the whole tree can be signalled at once
      stdio: [stdin, 'pipe', 'pipe'],
    }) as ChildProcessByStdio<null, Readable, Readable>;
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout.on('data', (chunk: Buffer) => options.output.stdout(chunk));
  child.stderr.on('data', (chunk: Buffer) => options.output.stderr(chunk));

  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let stopping: Promise<number> | undefined;
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ error }));
      if (child.pid === undefined) return;
      const pgid = child.pid;
      liveGroups.add(pgid);
      child.once('exit', (code, signal) => resolve({ code, signal }));
      timer = setTimeout(
        () => {
          timedOut = true;
          stopping = stopGroup(pgid, options.graceMs);
        },
        Math.min(options.timeoutMs, MAX_TIMER_MS),
      );
    },
  );
  clearTimeout(timer);

  if ('error' in ended) {
    return { exitCode: null, signal: null, timedOut: false, spawnError: ended.error.message, leftovers: 0 };
  }
  const pgid = child.pid as number;
  if (stopping) await stopping;
  const leftovers = await stopGroup(pgid, options.graceMs);
  liveGroups.delete(pgid);
  // A process that left the group may still hold the pipes open: do not wait for it forever.
  await atMost(closed, 2_000);
  child.stdout.destroy();
  child.stderr.destroy();
  return { exitCode: ended.code, signal: ended.signal, timedOut, spawnError: null, leftovers };
}
