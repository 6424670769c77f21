// The engine's process group: who is still in it, stopping all of it (SIGTERM, then SIGKILL
// after a grace period), and the groups still running, which the action kills when it is itself
// stopped. A process that deliberately leaves the group (setsid) is out of reach.
import { readdirSync, readFileSync } from 'node:fs';

const liveGroups = new Set<number>();

export function watchGroup(pgid: number): void {
  liveGroups.add(pgid);
}

export function forgetGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

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
