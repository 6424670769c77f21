// Runs a step's process in its own process group and, when the step is stopped, takes the
// whole group down the way the Actions runner does: SIGINT, then SIGTERM, then SIGKILL, each
// after a grace period while anything in the group is still alive. Output arrives line by line.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export type ProcessOutcome = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The process was stopped through the signal given to runProcessTree. */
  stopped: boolean;
  /** The process could not be started (e.g. the command does not exist). */
  error?: Error;
};

export type RunProcessOptions = {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  /** Time between SIGINT and SIGTERM; SIGKILL follows a third of it later. Default 7500 ms. */
  killGraceMs?: number;
  onLine: (line: string) => void;
};

const HAS_PROC = existsSync('/proc/self/stat');

type ProcStat = { pid: number; pgrp: number; state: string };

function readStat(pid: string | number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) is in parentheses and may contain spaces.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), state: rest[0] ?? '', pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  if (HAS_PROC) {
    const stat = readStat(pid);
    return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function processIds(): string[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
}

/** Live members of a process group. */
export function groupMembers(pgid: number): number[] {
  if (!HAS_PROC) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const pid of processIds()) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(stat.pid);
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

async function waitForGroupExit(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return true;
    await sleep(25);
  }
  return groupMembers(pgid).length === 0;
}

/** SIGINT → SIGTERM → SIGKILL to a whole process group, waiting in between while it lives. */
export async function killProcessGroup(pgid: number, graceMs = 7500): Promise<void> {
  for (const [signal, wait] of [
    ['SIGINT', graceMs],
    ['SIGTERM', Math.max(graceMs / 3, 50)],
    ['SIGKILL', 1000],
  ] as const) {
    if (groupMembers(pgid).length === 0) return;
    signalGroup(pgid, signal);
    if (await waitForGroupExit(pgid, wait)) return;
  }
}

function trackedProcesses(trackingId: string): number[] {
  const needle = `RUNNER_TRACKING_ID=${trackingId}\0`;
  const found: number[] = [];
  for (const pid of processIds()) {
    if (Number(pid) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (environ.includes(needle) && isAlive(Number(pid))) found.push(Number(pid));
  }
  return found;
}

/** Kills every process whose environment carries `RUNNER_TRACKING_ID=<id>`, as the runner
 *  does at the end of a job to clean up orphans (processes that left the step's group), and
 *  waits until they are gone. Returns the pids it killed. */
export async function killTrackedProcesses(trackingId: string): Promise<number[]> {
  if (!HAS_PROC) return [];
  const killed = new Set<number>();
  for (let pass = 0; pass < 3; pass++) {
    const found = trackedProcesses(trackingId);
    if (found.length === 0) break;
    for (const pid of found) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // Exited meanwhile.
      }
    }
    // SIGKILL is delivered asynchronously: wait until the processes are really gone.
    const deadline = Date.now() + 2000;
    while (found.some(isAlive) && Date.now() < deadline) await sleep(10);
  }
  return [...killed];
}

function lineSplitter(onLine: (line: string) => void) {
  let pending = '';
  return {
    push(chunk: Buffer) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    flush() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

export function runProcessTree(options: RunProcessOptions): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, stopped: true });
      return;
    }
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineSplitter(options.onLine);
    const err = lineSplitter(options.onLine);
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    let stopped = false;
    let killing: Promise<void> | undefined;
    const stop = () => {
      if (child.pid === undefined || killing) return;
      stopped = true;
      killing = killProcessGroup(child.pid, options.killGraceMs);
    };
    options.signal?.addEventListener('abort', stop, { once: true });

    let settled = false;
    const finish = async (outcome: Omit<ProcessOutcome, 'stopped'>) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', stop);
      // Output may still be buffered in the pipes; a background process that keeps them
      // open must not hold the step forever.
      if (!child.stdout.closed || !child.stderr.closed) {
        await Promise.race([new Promise((r) => child.once('close', r)), sleep(250)]);
      }
      child.stdout.destroy();
      child.stderr.destroy();
      out.flush();
      err.flush();
      if (killing) await killing;
      resolve({ ...outcome, stopped });
    };
    child.once('error', (error) => {
      void finish({ exitCode: null, signal: null, error });
    });
    child.once('exit', (exitCode, signal) => {
      void finish({ exitCode, signal });
    });
  });
}
