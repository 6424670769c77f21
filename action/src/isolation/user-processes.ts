// The live processes of one user, from /proc (each process's status is readable by everyone):
// how the action sees what is left of an engine that runs as a user of its own.
import { readdirSync, readFileSync } from 'node:fs';

/** Pure: whether a /proc/<pid>/status belongs to `uid` (real or effective) and is not a zombie. */
export function statusIsLiveOf(status: string, uid: number): boolean {
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  if (state === 'Z' || state === 'X') return false;
  const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  return ids !== null && (Number(ids[1]) === uid || Number(ids[2]) === uid);
}

export function userMembers(uid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (statusIsLiveOf(readFileSync(`/proc/${entry}/status`, 'utf8'), uid)) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}
