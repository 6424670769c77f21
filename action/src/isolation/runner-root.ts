// Where the runner itself is installed (its _diag logs, .credentials, .runner and .env files):
// the directory above the `bin` holding the Runner.Worker or Runner.Listener program that this
// action descends from. Null when the action is not run by a GitHub runner (the simulator).
import { readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const RUNNER_PROGRAMS = new Set(['Runner.Worker', 'Runner.Listener']);

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

export function findRunnerRoot(pid: number = process.pid): string | null {
  for (let current: number | null = parentOf(pid), hops = 0; current !== null && hops < 20; hops++) {
    try {
      const exe = readlinkSync(`/proc/${current}/exe`);
      if (RUNNER_PROGRAMS.has(basename(exe))) return dirname(dirname(exe));
    } catch {
      // not ours to read, or gone
    }
    current = parentOf(current);
  }
  return null;
}
