// Whether a process is still running, by pid: zombies count as gone (a killed orphan waits
// for its reaper, which in a container may never come), and so does a process with SIGKILL
// pending — it runs no more code of its own and dies as soon as the kernel schedules it, which
// on a loaded machine can be a while after the signal was sent.
import { readFileSync } from 'node:fs';

const SIGKILL_BIT = 1n << 8n; // signal 9

function killPending(status: string): boolean {
  return ['SigPnd', 'ShdPnd'].some((field) => {
    const mask = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & SIGKILL_BIT) !== 0n;
  });
}

export function isRunning(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  return state !== 'Z' && state !== 'X' && !killPending(status);
}

export function readPids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}
